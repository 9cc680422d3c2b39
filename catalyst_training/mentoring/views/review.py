"""Grading queue and review pages: leases with a heartbeat, rubric, autosaved draft, decision."""

from __future__ import annotations

from pathlib import Path

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from ...auth import roles
from ...auth.services import role_required
from ...core.models import parse_date, utcnow
from ...extensions import db
from ...learning.assignments import history, upload_folder
from ...learning.models import Submission
from ...learning.modules import markdown, module_for_version
from .. import access, approval, leases, queue, review
from ..dashboard import programme_modules
from ..forms import parse_id
from ..paging import Page, page_number, page_size
from ..territories import MentoringError
from .blueprint import STAFF, bp, page_args, viewer


def _messages() -> dict[str, str]:
    return {
        "lease_lost": _(
            "Un autre mentor évalue ce travail : vos modifications n'ont pas été enregistrées."
        ),
        "already_decided": _("Ce travail a déjà été évalué."),
        "not_submitted": _("Ce travail n'attend plus d'évaluation."),
        "reason_required": _("Indiquez ce qui est à reprendre."),
        "rubric_incomplete": _("Choisissez un niveau pour chaque critère avant de valider."),
        "bad_decision": _("Décision inconnue."),
        "empty_snippet": _("Le commentaire est vide."),
    }


def _filters() -> queue.QueueFilters:
    args = request.values
    return queue.QueueFilters(
        module=args.get("module") or None,
        cohort_id=parse_id(args.get("cohort")),
        state=args.get("state") if args.get("state") in queue.STATES else None,
        learner=args.get("learner") or None,
    )


def _submission_or_404(submission_id: int) -> Submission:
    sub = db.session.get(Submission, submission_id)
    if sub is None:
        abort(404)
    access.require_learner(viewer(), sub.user_id)
    return sub


@bp.get("/queue")
@role_required(*STAFF)
def grading_queue():
    """Next to grade in my cohorts, oldest first."""
    who = viewer()
    filters = _filters()
    asked = Page(page_number(request.args.get("page")), page_size(current_app.config), 0)
    items, page = queue.queue_page(who, filters, utcnow(), asked)
    return render_template(
        "mentoring/queue.html",
        items=items,
        page=page,
        page_args=page_args("module", "cohort", "state", "learner"),
        filters=filters,
        cohorts=access.cohorts(who),
        modules=programme_modules(),
        me=who.user_id,
    )


@bp.post("/queue/next")
@role_required(*STAFF)
def take_next():
    """Open the oldest submission nobody else is grading."""
    item = queue.next_free(viewer(), _filters(), utcnow())
    if item is None:
        flash(_("Aucun travail à évaluer pour ces filtres."), "info")
        return redirect(url_for("mentoring.grading_queue"))
    return redirect(url_for("mentoring.review_page", submission_id=item.submission_id))


def _draft() -> review.Draft:
    form = request.form
    levels = {k[6:]: v for k, v in form.items() if k.startswith("level-")}
    return review.Draft(
        levels=levels,
        comment=form.get("comment", ""),
        private_note=form.get("private_note", ""),
        reason=form.get("reason", ""),
        new_due_on=parse_date(form.get("new_due_on")),
    )


@bp.route("/submissions/<int:submission_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def review_page(submission_id: int):
    """Review a version: takes the lease on open; saves the draft or decides on POST."""
    who = viewer()
    sub = _submission_or_404(submission_id)
    module = module_for_version(sub.module_version_id)
    if module is None or module.assignment is None:
        abort(404)
    now = utcnow()
    error = None
    if request.method == "POST":
        action = request.form.get("action", "save")
        try:
            if action == "save":
                review.save_draft(sub, module.assignment, who.user_id, _draft(), now)
                flash(_("Brouillon enregistré."), "success")
            else:
                decision = _decision(action, module.assignment)
                review.decide(sub, module, who.user_id, decision, _draft(), now)
                flash(_("Décision enregistrée : l'apprenant la voit sur sa page."), "success")
            db.session.commit()
            return redirect(url_for("mentoring.review_page", submission_id=sub.id))
        except MentoringError as exc:
            db.session.rollback()
            error = _messages().get(exc.code, exc.code)
            sub = _submission_or_404(submission_id)
    holding = sub.state == "submitted" and leases.claim(sub.id, who.user_id, now)
    db.session.commit()
    lease = leases.current(sub.id, now)
    shown = _draft() if error else review.review_of(sub.id)
    suggestion = review.suggest(module.assignment, dict(shown.levels or {}) if shown else {})
    return render_template(
        "mentoring/review.html",
        sub=sub,
        module=module,
        # The learner was told to write simple Markdown: show it as they see it (sanitised).
        md=lambda text: markdown(sub.module_slug, text),
        review=review.review_of(sub.id),
        history=_history(sub),
        holding=holding,
        lease=lease,
        error=error,
        snippets=review.snippets(who.user_id),
        is_coordinator=who.role == roles.COORDINATOR,
        draft=_draft() if error else None,
        suggestion=suggestion,
        chosen=request.form.get("decision") if error else None,
        texts=approval.texts(suggestion),
    ), (409 if error else 200)


def _decision(action: str, assignment) -> str:
    """The decision of a POST: an explicit button, else the radio, else the approval rule."""
    if action != "decide":
        return action
    chosen = request.form.get("decision")
    if chosen in ("approve", "return"):
        return chosen
    suggested = review.suggest(assignment, _draft().levels)
    if suggested is None or suggested.decision is None:
        raise MentoringError("rubric_incomplete")
    return suggested.decision


def _history(sub: Submission) -> list[Submission]:
    return [s for s in history(sub.user_id, sub.module_slug) if s.id != sub.id]


@bp.post("/submissions/<int:submission_id>/lease")
@role_required(*STAFF)
def heartbeat(submission_id: int):
    """Renew the lease while the page is open; also autosaves the draft when sent."""
    who = viewer()
    sub = _submission_or_404(submission_id)
    now = utcnow()
    kept = leases.renew(sub.id, who.user_id, now)
    saved = False
    if kept and request.form.get("autosave") == "1":
        module = module_for_version(sub.module_version_id)
        try:
            if module is not None and module.assignment is not None:
                review.save_draft(sub, module.assignment, who.user_id, _draft(), now)
                saved = True
        except MentoringError:
            saved = False
    db.session.commit()
    message = (
        _("Brouillon enregistré automatiquement.")
        if saved
        else _("Vous évaluez ce travail.")
        if kept
        else _("Vous n'avez plus la main sur ce travail : un autre mentor l'évalue.")
    )
    return jsonify({"lease": kept, "saved": saved, "message": message}), (200 if kept else 409)


@bp.post("/submissions/<int:submission_id>/lease/break")
@role_required(roles.COORDINATOR)
def break_lease(submission_id: int):
    """A coordinator frees a lease (audited)."""
    who = viewer()
    sub = _submission_or_404(submission_id)
    leases.break_lease(sub.id, who.user_id, request.form.get("reason", ""), utcnow())
    db.session.commit()
    flash(_("Le verrou a été levé."), "success")
    return redirect(url_for("mentoring.review_page", submission_id=sub.id))


@bp.post("/snippets")
@role_required(*STAFF)
def add_snippet():
    """Save a reusable comment."""
    try:
        review.add_snippet(viewer().user_id, request.form.get("text", ""))
        db.session.commit()
        flash(_("Commentaire enregistré."), "success")
    except MentoringError as exc:
        flash(_messages().get(exc.code, exc.code), "error")
    back = request.form.get("next", "")
    if not back.startswith("/") or back.startswith(("//", "/\\")):
        back = url_for("mentoring.grading_queue")
    return redirect(back)


@bp.get("/submissions/<int:submission_id>/attachment")
@role_required(*STAFF)
def attachment(submission_id: int):
    """The learner's attached file, for the mentors of their cohort and coordinators."""
    sub = _submission_or_404(submission_id)
    path = upload_folder() / Path(sub.attachment_path or "missing").name
    if not sub.attachment_path or not path.is_file():
        abort(404, _("Ce fichier n'existe plus."))
    return send_file(
        path, mimetype=sub.attachment_type, as_attachment=True, download_name=sub.attachment_name
    )
