"""Assignment pages: write (autosaved draft), attach, submit, history, attachment download."""

from __future__ import annotations

from pathlib import Path

from flask import abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from sqlalchemy import select

from ...auth import roles
from ...auth.models import Membership, User
from ...auth.services import Acting, require_acting
from ...core.models import utcnow
from ...extensions import db
from .. import assignments, progress
from ..assignments import upload_folder
from ..forms import AssignmentForm
from ..models import DRAFT, Submission
from ..modules import markdown
from .blueprint import ANY_ROLE, bp, load_module_or_404


def _messages() -> dict[str, str]:
    return {
        "locked": _("Ce travail est déjà remis : il ne peut plus être modifié."),
        "too_long": _("Le texte est trop long."),
        "no_attachment": _("Ce travail n'accepte pas de pièce jointe."),
        "bad_type": _("Type de fichier refusé."),
        "too_big": _("Le fichier est trop volumineux."),
        "empty_file": _("Le fichier est vide."),
        "empty": _("Écrivez votre réponse ou joignez un fichier avant de remettre votre travail."),
    }


def _message(exc: assignments.AssignmentError) -> str:
    text = _messages().get(exc.code, exc.code)
    if exc.code == "bad_type":
        text += " " + _("Formats acceptés : %(types)s.", types=exc.details["allowed"])
    if exc.code == "too_big":
        text += " " + _("Taille maximale : %(n)s Mo.", n=exc.details["max_mb"])
    return text


@bp.route("/m/<slug>/assignment", methods=["GET", "POST"])
def assignment(slug: str):
    """The reflective assignment: draft, attachment, submission and every version."""
    user_id = require_acting(*ANY_ROLE).user_id
    mod, version_id = load_module_or_404(slug)
    if mod.assignment is None:
        abort(404, _("Ce module n'a pas de travail à remettre."))
    current = assignments.latest(user_id, slug)
    form = AssignmentForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            # The text typed is shown again with the errors: nothing is lost.
            return _page(mod, form, current, user_id), 400
        now = utcnow()
        try:
            draft = assignments.editable_draft(user_id, slug, version_id)
            assignments.save_draft(draft, form.text.data or "", now)
            if form.attachment.data:
                assignments.attach(draft, form.attachment.data, mod.assignment, upload_folder())
            if form.submit.data:
                assignments.submit(draft, now)
                progress.evaluate(user_id, mod, now)
                flash(_("Votre travail est remis. Votre mentor vous répondra ici."), "success")
            else:
                flash(_("Brouillon enregistré."), "success")
        except assignments.AssignmentError as exc:
            db.session.rollback()
            form.text.errors = [*form.text.errors, _message(exc)]
            return _page(mod, form, assignments.latest(user_id, slug), user_id), 400
        db.session.commit()
        return redirect(url_for("learning.assignment", slug=slug), code=303)
    if current is not None and current.state in (DRAFT, "returned"):
        form.text.data = current.text
    return _page(mod, form, current, user_id)


def _page(mod, form, current, user_id):
    return render_template(
        "learning/assignment.html", module=mod, assignment=mod.assignment, form=form,
        current=current, history=assignments.history(user_id, mod.slug),
        md=lambda text: markdown(mod.slug, text),
        editable=current is None or current.state in (DRAFT, "returned"),
    )  # fmt: skip


@bp.post("/m/<slug>/assignment/autosave")
def autosave(slug: str):
    """Save the draft text in the background (JSON, CSRF checked like any POST)."""
    user_id = require_acting(*ANY_ROLE).user_id
    _mod, version_id = load_module_or_404(slug)
    now = utcnow()
    try:
        draft = assignments.editable_draft(user_id, slug, version_id)
        assignments.save_draft(draft, request.form.get("text", ""), now)
    except assignments.AssignmentError as exc:
        db.session.rollback()
        return jsonify({"saved": False, "message": _message(exc)}), 409
    db.session.commit()
    return jsonify(
        {"saved": True, "message": _("Brouillon enregistré à %(t)s", t=format_time(now, "short"))}
    )


@bp.get("/submissions/<int:submission_id>/attachment")
def attachment(submission_id: int):
    """The attached file: to its owner and to coordinators of the owner's course run."""
    acting = require_acting(*ANY_ROLE)
    sub = db.session.get(Submission, submission_id)
    if sub is None or not sub.attachment_path or not _may_read(sub, acting):
        abort(404, _("Ce fichier n'existe pas."))
    path = upload_folder() / Path(sub.attachment_path).name
    if not path.is_file():
        abort(404, _("Ce fichier n'existe plus."))
    return send_file(path, mimetype=sub.attachment_type, as_attachment=True,
                     download_name=sub.attachment_name)  # fmt: skip


def _may_read(sub: Submission, acting: Acting) -> bool:
    # Mentors download through the mentoring pages, which check their cohorts; here the owner
    # and the coordinators of a course run the owner belongs to.
    if sub.user_id == acting.user_id:
        return True
    if acting.role != roles.COORDINATOR:
        return False
    reader = db.session.get(User, acting.user_id)
    if reader is not None and reader.is_coordinator_account:
        return True  # a local coordinator account: every platform
    if acting.context_pk is None:
        return False
    learner_in_context = db.session.scalar(
        select(Membership.id).filter_by(user_id=sub.user_id, context_id=acting.context_pk)
    )
    return learner_in_context is not None
