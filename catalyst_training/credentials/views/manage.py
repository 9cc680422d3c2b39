"""Coordinator actions: revoke (with a reason) or reissue a certificate, revoke a badge; audited."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from ...auth import roles
from ...core.models import utcnow
from ...extensions import db
from .. import awards, services
from ..forms import ReissueForm, RevokeForm
from .blueprint import badge_for, bp, certificate_for, viewer


def _back(user_id: int, anchor: str = "certificats"):
    return redirect(url_for("mentoring.learner", user_id=user_id) + f"#{anchor}", code=303)


@bp.post("/certificates/<int:certificate_id>/revoke")
def revoke(certificate_id: int):
    """Withdraw a certificate; a verifier is then told when and why."""
    who = viewer(roles.COORDINATOR)
    cert = certificate_for(who, certificate_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        abort(400, _("Indiquez le motif du retrait (formulaire expiré ou incomplet)."))
    if cert.revoked_at is not None:
        flash(_("Ce certificat était déjà retiré."), "info")
        return _back(cert.user_id)
    services.revoke(cert, who.user_id, form.reason.data, utcnow())
    db.session.commit()
    flash(_("Certificat retiré : sa vérification l'indique désormais."), "success")
    return _back(cert.user_id)


@bp.post("/certificates/<int:certificate_id>/reissue")
def reissue(certificate_id: int):
    """Issue a new certificate with today's facts; the old code then says it was superseded."""
    who = viewer(roles.COORDINATOR)
    cert = certificate_for(who, certificate_id)
    form = ReissueForm()
    if not form.validate_on_submit():
        abort(400, _("Formulaire expiré ou invalide : rechargez la page."))
    if cert.status != "valid":
        flash(_("Seul un certificat valide peut être réédité."), "info")
        return _back(cert.user_id)
    try:
        services.reissue(cert, who.user_id, form.reason.data or "", utcnow())
    except services.CertificateError:
        db.session.rollback()
        flash(_("Un autre certificat vient d'être délivré : rechargez la page."), "error")
        return _back(cert.user_id)
    db.session.commit()
    flash(_("Nouveau certificat délivré ; l'ancien est marqué remplacé."), "success")
    return _back(cert.user_id)


@bp.post("/badges/<int:badge_id>/revoke")
def revoke_badge(badge_id: int):
    """Withdraw a badge without a certificate (a linked badge follows its certificate)."""
    who = viewer(roles.COORDINATOR)
    badge = badge_for(who, badge_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400, _("Formulaire expiré ou invalide : rechargez la page."))
        # 422: understood, but the reason a verifier is shown is missing.
        abort(422, _("Indiquez le motif du retrait du badge : il est affiché à qui le vérifie."))
    if badge.certificate_id is not None:
        flash(_("Ce badge suit son certificat : retirez le certificat."), "info")
        return _back(badge.user_id, "badges")
    if badge.revoked_at is not None:
        flash(_("Ce badge était déjà retiré."), "info")
        return _back(badge.user_id, "badges")
    awards.revoke(badge, who.user_id, form.reason.data, utcnow())
    db.session.commit()
    flash(_("Badge retiré : sa vérification l'indique désormais."), "success")
    return _back(badge.user_id, "badges")
