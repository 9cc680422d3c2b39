"""The deep-linking picker: a mentor or coordinator chooses modules to place in the course."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _

from ...auth import roles
from ...auth.services import require_acting
from ...content.loader import load_programme
from .. import deep_linking, token_session
from ..forms import DeepLinkForm
from ..urls import launch_url
from .blueprint import bp


@bp.route("/deep-link", methods=["GET", "POST"], endpoint="deep_link")
def picker():
    """Show the programme's modules; on submit, answer the platform with the chosen ones."""
    acting = require_acting(roles.MENTOR, roles.COORDINATOR)
    stored = deep_linking.pending_request(acting.launch_id)
    if not stored:
        abort(
            400, _("Aucune demande de liens profonds en cours : relancez-la depuis la plateforme.")
        )
    settings = stored["settings"]
    modules = load_programme(current_app.config["CONTENT_PATH"])
    multiple = deep_linking.allows_multiple(settings)
    form = DeepLinkForm(multiple=multiple, modules=modules)
    if not deep_linking.accepts_links(settings):
        abort(
            400,
            _(
                "La plateforme n'accepte pas de liens vers une activité LTI "
                "(ltiResourceLink) : rien ne peut être ajouté."
            ),
        )
    if request.method == "POST" and form.validate_on_submit():
        token = deep_linking.response_jwt(stored, modules, form.chosen(), launch_url())
        if token is None:
            abort(403, _("Cette plateforme n'est plus active."))
        deep_linking.forget(acting.launch_id or "")
        token_session.revoke(acting.launch_id)  # its purpose served: the launch's tokens end
        return render_template(
            "lti/deep_link_return.html", action=settings["deep_link_return_url"], jwt=token
        )
    return render_template(
        "lti/deep_link.html", form=form, modules=modules, multiple=multiple, settings=settings
    )
