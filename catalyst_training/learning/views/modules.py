"""Learner pages: programme, module, lesson, my progress."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _

from ...auth.models import ResourceLink
from ...auth.services import require_acting
from ...content.services import current_versions
from ...core.models import utcnow
from ...extensions import db
from .. import assignments, next_step, progress, services
from ..models import COMPLETED
from ..modules import current_module, markdown, module_for_version
from .blueprint import ANY_ROLE, bp, load_module_or_404


def programme():
    """Every published module, in programme order."""
    modules = [module_for_version(v.id) for v in current_versions()]
    return sorted((m for m in modules if m), key=lambda m: (m.order, m.slug))


@bp.get("/")
def home():
    """The module of the resource link, or the whole programme."""
    acting = require_acting(*ANY_ROLE)
    link = (
        db.session.get(ResourceLink, acting.resource_link_pk) if acting.resource_link_pk else None
    )
    if link is not None and link.module_slug:
        module, _version = current_module(link.module_slug)
        if module is not None:
            return redirect(url_for("learning.module", slug=module.slug))
        return render_template("learning/programme.html", modules=programme(), rows={},
                               missing_slug=link.module_slug)  # fmt: skip
    return redirect(url_for("learning.my_progress"))


@bp.get("/progress")
def my_progress():
    """My progress across the programme."""
    user_id = require_acting(*ANY_ROLE).user_id
    rows = next_step.progress_rows(user_id)
    modules = programme()
    facts = next_step.programme_facts(next_step.gather(user_id, rows), modules, utcnow())
    return render_template("learning/programme.html", modules=modules, rows=rows,
                           missing_slug=None,
                           step=next_step.step_in_programme(modules, facts))  # fmt: skip


@bp.get("/m/<slug>/")
def module(slug: str):
    """A module: lessons with progress, quiz, assignment status and mentor feedback."""
    user_id = require_acting(*ANY_ROLE).user_id
    mod, _version_id = load_module_or_404(slug)
    now = utcnow()
    records = next_step.gather(user_id)
    row = records.rows.get(slug)
    viewed = records.viewed.get(slug, frozenset())
    attempts = records.attempts.get(slug, [])
    quiz = services.quiz_state(mod.quiz, attempts, now) if mod.quiz else None
    done = {s for s, r in records.rows.items() if r.status == COMPLETED}
    prereqs = [{"slug": p, "completed": p in done} for p in mod.prerequisites]
    submission = assignments.latest(user_id, slug)
    modules = programme()
    facts = next_step.programme_facts(records, modules, now)
    here = next_step.step_in_module(mod, facts.get(slug, next_step.ModuleFacts()))
    after = None if here and here.actionable else next_step.step_in_programme(modules, facts, slug)
    return render_template(
        "learning/module.html", module=mod, row=row, viewed=viewed, quiz=quiz,
        submission=submission, prereqs=prereqs, step=here, after=after,
        rubric=assignments.decided_rubric(submission, mod.assignment),
    )  # fmt: skip


@bp.get("/m/<slug>/lessons/<lesson_id>")
def lesson(slug: str, lesson_id: str):
    """A lesson; opening it counts as viewed."""
    user_id = require_acting(*ANY_ROLE).user_id
    mod, _version_id = load_module_or_404(slug)
    index = next((i for i, x in enumerate(mod.lessons) if x.id == lesson_id), None)
    if index is None:
        abort(404, _("Cette leçon n'existe pas dans ce module."))
    now = utcnow()
    services.record_lesson_view(user_id, slug, lesson_id, now)
    progress.evaluate(user_id, mod, now)
    db.session.commit()
    current = mod.lessons[index]
    return render_template(
        "learning/lesson.html", module=mod, lesson=current, body=markdown(slug, current.markdown),
        previous=mod.lessons[index - 1] if index > 0 else None,
        next=mod.lessons[index + 1] if index + 1 < len(mod.lessons) else None,
        position=index + 1,
    )  # fmt: skip
