"""Quiz pages: overview, attempt (save / submit), review."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from ...auth.services import require_acting
from ...core.models import utcnow
from ...extensions import db
from .. import progress, services
from ..attempt_summary import summarise
from ..models import QuizAttempt
from ..modules import markdown, module_for_version, ref_url
from ..questions import InvalidAnswer, question_type
from .blueprint import ANY_ROLE, bp, load_module_or_404


def _reasons() -> dict[str, str]:
    return {
        "no_attempts_left": _("Vous avez utilisé toutes vos tentatives pour ce quiz."),
        "cooldown": _("Une nouvelle tentative sera possible un peu plus tard."),
        "closed": _("Cette tentative est déjà terminée."),
        "conflict": _("Une autre tentative vient d'être ouverte : rechargez la page."),
    }


@bp.get("/m/<slug>/quiz")
def quiz(slug: str):
    """Rules, attempts so far, grade, and the button to start or resume."""
    user_id = require_acting(*ANY_ROLE).user_id
    mod, _version_id = load_module_or_404(slug)
    if mod.quiz is None:
        abort(404, _("Ce module n'a pas de quiz."))
    state = services.quiz_state(mod.quiz, services.attempts_of(user_id, slug), utcnow())
    return render_template("learning/quiz.html", module=mod, quiz=mod.quiz, state=state,
                           form=FlaskForm(), reasons=_reasons())  # fmt: skip


@bp.post("/m/<slug>/quiz/start")
def start_quiz(slug: str):
    """Start (or resume) an attempt."""
    user_id = require_acting(*ANY_ROLE).user_id
    mod, version_id = load_module_or_404(slug)
    if mod.quiz is None or not FlaskForm().validate_on_submit():
        abort(400, _("Le formulaire a expiré : rechargez la page et réessayez."))
    try:
        attempt = services.start_attempt(user_id, slug, version_id, mod.quiz, utcnow())
    except services.QuizError as exc:
        flash(_reasons().get(exc.code, exc.code), "error")
        return redirect(url_for("learning.quiz", slug=slug))
    db.session.commit()
    return redirect(url_for("learning.attempt", attempt_id=attempt.id))


def _own_attempt(attempt_id: int):
    user_id = require_acting(*ANY_ROLE).user_id
    attempt = db.session.get(QuizAttempt, attempt_id)
    # Another learner's attempt is answered like a missing one: nothing to learn from it.
    if attempt is None or attempt.user_id != user_id:
        abort(404, _("Cette tentative n'existe pas."))
    return attempt, module_for_version(attempt.module_version_id)


def _questions(module, attempt):
    by_id = {q["id"]: q for q in module.quiz.questions}
    return [by_id[qid] for qid in attempt.question_order if qid in by_id]


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
def attempt(attempt_id: int):
    """Answer the questions; save to come back later, or submit."""
    attempt, mod = _own_attempt(attempt_id)
    if attempt.state != services.IN_PROGRESS:
        return redirect(url_for("learning.review", attempt_id=attempt.id))
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400, _("Le formulaire a expiré : rechargez la page, vos réponses enregistrées "
                         "sont conservées."))  # fmt: skip
        now = utcnow()
        action = request.form.get("action")
        try:
            answers = services.parse_answers(mod.quiz, request.form)
            summary = summarise(_questions(mod, attempt), answers)
            # A direct submit that leaves questions blank goes through the summary first.
            confirmed = request.form.get("confirm_unanswered") == "1"
            if action == "submit" and (confirmed or not summary.needs_confirmation):
                return _close(attempt, attempt_id, mod, answers, now)
            services.save_answers(attempt, mod.quiz, request.form, now)
        except InvalidAnswer:
            db.session.rollback()
            abort(400, _("Réponse invalide : elle ne correspond à aucun choix proposé."))
        except services.QuizError as exc:
            db.session.rollback()
            abort(409, _reasons().get(exc.code, exc.code))
        db.session.commit()
        if action in ("finish", "submit"):
            return redirect(url_for("learning.attempt_summary", attempt_id=attempt_id), code=303)
        flash(_("Vos réponses sont enregistrées. Vous pouvez revenir plus tard."), "success")
        return redirect(url_for("learning.attempt", attempt_id=attempt_id), code=303)
    return render_template(
        "learning/attempt.html", module=mod, quiz=mod.quiz, attempt=attempt, form=form,
        questions=_questions(mod, attempt), md=lambda text: markdown(mod.slug, text),
    )  # fmt: skip


def _close(attempt, attempt_id: int, mod, answers, now):
    services.close_attempt(attempt, mod.quiz, answers, now)
    progress.evaluate(attempt.user_id, mod, now)
    db.session.commit()
    # attempt_id, not attempt.id: the commit expired the object (one SELECT less).
    return redirect(url_for("learning.review", attempt_id=attempt_id), code=303)


@bp.route("/attempts/<int:attempt_id>/summary", methods=["GET", "POST"])
def attempt_summary(attempt_id: int):
    """Answered / unanswered per question, links back, then the final submission."""
    attempt, mod = _own_attempt(attempt_id)
    if attempt.state != services.IN_PROGRESS:
        return redirect(url_for("learning.review", attempt_id=attempt.id))
    questions = _questions(mod, attempt)
    summary = summarise(questions, attempt.answers or {})
    form = FlaskForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400, _("Le formulaire a expiré : rechargez la page, vos réponses enregistrées "
                         "sont conservées."))  # fmt: skip
        if summary.needs_confirmation and request.form.get("confirm_unanswered") != "1":
            error = _("Cochez la case de confirmation pour remettre une tentative incomplète, "
                      "ou revenez compléter vos réponses.")  # fmt: skip
        else:
            try:
                return _close(attempt, attempt_id, mod, dict(attempt.answers or {}), utcnow())
            except services.QuizError as exc:
                db.session.rollback()
                abort(409, _reasons().get(exc.code, exc.code))
    state = services.quiz_state(mod.quiz, services.attempts_of(attempt.user_id, mod.slug), utcnow())
    html = render_template(
        "learning/attempt_summary.html", module=mod, quiz=mod.quiz, attempt=attempt, form=form,
        summary=summary, questions={q["id"]: q for q in questions}, error=error, state=state,
        md=lambda text: markdown(mod.slug, text),
    )  # fmt: skip
    return html, (422 if error else 200)  # 422: understood, but not confirmed


@bp.get("/attempts/<int:attempt_id>/review")
def review(attempt_id: int):
    """What the review policy allows the learner to see of a submitted attempt."""
    attempt, mod = _own_attempt(attempt_id)
    if attempt.state == services.IN_PROGRESS:
        return redirect(url_for("learning.attempt", attempt_id=attempt.id))
    state = services.quiz_state(mod.quiz, services.attempts_of(attempt.user_id, mod.slug), utcnow())
    review = mod.quiz.review
    shown = set(review.get("after_last", []) if state["last"] else review.get("after_attempt", []))
    items = []
    for q in _questions(mod, attempt):
        handler = question_type(q)
        answer = (attempt.answers or {}).get(q["id"])
        items.append({
            "q": q,
            "answer": answer,
            "result": (attempt.results or {}).get(q["id"], {}),
            "feedback": [
                {**f, "url": ref_url(mod.slug, f.get("ref"))} for f in handler.feedback(q, answer)
            ],
            "correct_answer": handler.correct_answer(q),
        })  # fmt: skip
    return render_template(
        "learning/review.html", module=mod, quiz=mod.quiz, attempt=attempt, items=items,
        shown=shown, state=state, md=lambda text: markdown(mod.slug, text),
    )  # fmt: skip
