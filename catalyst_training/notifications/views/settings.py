"""Each person's notification settings, the address they may give, and a preview."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ...auth.models import User
from ...auth.services import require_acting
from ...core.clock import clock_of
from ...extensions import db
from .. import addresses, consent, languages, preview
from ..forms import AddressForm, ConfirmForm, ForgetAddressForm, SettingsForm
from ..models import COORDINATOR, LEARNER, MENTOR, OFF, WEEKLY
from ..sending import enabled
from .blueprint import bp


def _person() -> tuple[User, list[str]]:
    acting = require_acting()
    user = db.session.get(User, acting.user_id)
    if user is None:
        abort(404)
    return user, consent.audiences_of(user, acting.role)


def _page(user: User, audiences: list[str], form: SettingsForm, address_form: AddressForm):
    return render_template(
        "notifications/settings.html",
        user=user,
        audiences=audiences,
        form=form,
        address_form=address_form,
        forget_form=ForgetAddressForm(),
        own=addresses.own_address(user.id),
        usable=addresses.address_of(user.id),
        sending=enabled(),
        platform_language=languages.language_of(user.locale),
        demo=bool(current_app.config.get("DEMO")),
    )


@bp.route("/notifications/", methods=["GET", "POST"])
def settings():
    """See and change what one receives; the choices are saved for every audience shown."""
    user, audiences = _person()
    form = SettingsForm()
    if form.validate_on_submit():
        if MENTOR in audiences:
            consent.set_mode(user.id, MENTOR, form.mentor.data)
        if LEARNER in audiences:
            consent.set_mode(user.id, LEARNER, "immediate" if form.learner.data else OFF)
        if COORDINATOR in audiences:
            consent.set_mode(user.id, COORDINATOR, WEEKLY if form.coordinator.data else OFF)
        languages.set_language(user.id, form.language.data)
        db.session.commit()
        flash(_("Vos choix de notification sont enregistrés."), "success")
        return redirect(url_for("notifications.settings"), code=303)
    if form.is_submitted():
        return _page(user, audiences, form, AddressForm()), 422
    modes = {aud: consent.mode_of(user.id, aud) for aud in audiences}
    form.mentor.data = modes.get(MENTOR, "daily")
    form.learner.data = modes.get(LEARNER, OFF) != OFF
    form.coordinator.data = modes.get(COORDINATOR, OFF) == WEEKLY
    form.language.data = languages.choice_of(user.id)
    return _page(user, audiences, form, AddressForm())


@bp.post("/notifications/address")
def address():
    """Give an address (the platform sent none): a confirmation link is sent to it."""
    user, audiences = _person()
    form = AddressForm()
    if not form.validate_on_submit():
        return _page(user, audiences, SettingsForm(formdata=None), form), 422
    try:
        addresses.give_address(user.id, form.email.data, clock_of().now())
    except addresses.AddressError:
        form.email.errors = [_("Cette adresse n'est pas valide.")]
        return _page(user, audiences, SettingsForm(formdata=None), form), 422
    db.session.commit()
    flash(_("Un lien de confirmation a été envoyé à cette adresse : ouvrez-le pour l'utiliser."),
          "success")  # fmt: skip
    return redirect(url_for("notifications.settings"), code=303)


@bp.post("/notifications/address/forget")
def forget_address():
    """Remove the address the person gave."""
    require_acting()
    if not ForgetAddressForm().validate_on_submit():
        abort(400, _("Formulaire expiré : rechargez la page."))
    user, _audiences = _person()
    addresses.forget_address(user.id)
    db.session.commit()
    flash(_("L'adresse a été supprimée."), "success")
    return redirect(url_for("notifications.settings"), code=303)


@bp.get("/notifications/preview")
def preview_page():
    """What the person's next messages would say (the demo sends nothing: it shows this)."""
    user, audiences = _person()
    shown = preview.next_messages(user, audiences, clock_of().now())
    return render_template(
        "notifications/preview.html", messages=shown, sending=enabled(), form=ConfirmForm()
    )
