"""The alliance-maturity self-assessment: take it (start or end) and see both side by side."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ...auth import roles
from ...auth.services import get_acting, require_acting
from ...content.services import self_assessment as programme_self_assessment
from ...core.models import utcnow
from ...extensions import db
from .. import self_assessment as sa
from ..forms import field_name, self_assessment_form
from .blueprint import bp
from .modules import programme


def _assessment_or_404():
    found = programme_self_assessment()
    if found is None:
        abort(404, _("Ce parcours n'a pas d'autoévaluation."))
    return found


def _modules_by_phase() -> dict[str, object]:
    """The module where each phase is taken (module 01: start, module 07: end)."""
    return {m.self_assessment: m for m in programme() if getattr(m, "self_assessment", None)}


@bp.route("/self-assessment/<phase>", methods=["GET", "POST"])
def take_self_assessment(phase: str):
    """Take the self-assessment of a phase; a new taking never replaces the previous one."""
    acting = require_acting(roles.LEARNER)
    if phase not in sa.PHASES:
        abort(404)
    assessment = _assessment_or_404()
    previous = sa.latest(sa.takings(acting.user_id, acting.context_pk)).get(phase)
    form = self_assessment_form(assessment, previous.answers if previous else None)
    if form.validate_on_submit():
        answers = {d.id: form[field_name(d.id)].data for d in assessment.dimensions}
        sa.record(acting.user_id, acting.context_pk, phase, answers, assessment, utcnow())
        db.session.commit()
        flash(_("Autoévaluation enregistrée."), "success")
        return redirect(url_for("learning.self_assessment"))
    return render_template(
        "learning/self_assessment_take.html",
        assessment=assessment,
        phase=phase,
        form=form,
        previous=previous,
        field_name=field_name,
        module=_modules_by_phase().get(phase),
    ), (400 if form.errors else 200)


@bp.get("/self-assessment/")
def self_assessment():
    """My start and end results side by side, per dimension."""
    acting = require_acting(roles.LEARNER)
    assessment = _assessment_or_404()
    rows = sa.takings(acting.user_id, acting.context_pk)
    newest = sa.latest(rows)
    table = sa.side_by_side(assessment, newest)
    changes = [row.change for row in table if row.change is not None]
    summary = None
    if changes:
        summary = {"up": sum(c > 0 for c in changes), "same": changes.count(0),
                   "down": sum(c < 0 for c in changes), "n": len(table)}  # fmt: skip
    return render_template(
        "learning/self_assessment.html",
        assessment=assessment,
        rows=table,
        summary=summary,
        newest=newest,
        counts={phase: sum(r.phase == phase for r in rows) for phase in sa.PHASES},
        modules=_modules_by_phase(),
    )


def _link_for(module=None) -> dict | None:
    """For a learner: where to take the self-assessment in this module (or, without a module,
    where to see the results); None for staff, or when the programme has none."""
    acting = get_acting()
    if acting is None or acting.role != roles.LEARNER:
        return None
    phase = getattr(module, "self_assessment", None) if module is not None else None
    if module is not None and phase not in sa.PHASES:
        return None
    if programme_self_assessment() is None:
        return None
    taken = sa.latest(sa.takings(acting.user_id, acting.context_pk))
    return {
        "phase": phase,
        "taken": taken.get(phase) if phase else None,
        "take_url": url_for("learning.take_self_assessment", phase=phase) if phase else None,
        "results_url": url_for("learning.self_assessment"),
        "phases_taken": sorted(taken),
    }


@bp.app_context_processor
def _helpers() -> dict:
    # The module and progress pages show a small block through this helper.
    return {"self_assessment_link": _link_for}
