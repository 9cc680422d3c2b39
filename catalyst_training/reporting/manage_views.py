"""Management: territories, cohorts, mentors, moves, self-selection, CSV import (audited)."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth import roles
from ..auth.models import Context, Membership, User
from ..auth.services import role_required
from ..core.models import utcnow
from ..extensions import db
from ..mentoring import audit, placement, territories
from ..mentoring.cohort_views import _messages as mentoring_messages
from ..mentoring.models import Cohort, CohortMember, Territory
from ..mentoring.territories import MentoringError
from . import importer, manage
from .forms import ImportForm
from .views import bp, current_scope

MAX_IMPORT = 2 * 1024 * 1024


def _context(raw: str | None) -> Context:
    _user, scope = current_scope()
    pk = int(raw) if (raw or "").isdigit() else 0
    found = db.session.get(Context, pk)
    if found is None or (scope is not None and found.id not in scope):
        abort(404)
    return found


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        return None


def _contexts() -> list[Context]:
    _user, scope = current_scope()
    query = select(Context).order_by(Context.title)
    if scope is not None:
        query = query.where(Context.id.in_(scope or (-1,)))
    return list(db.session.scalars(query))


@bp.get("/manage")
@role_required(roles.COORDINATOR)
def manage_home():
    """Pick a course run to manage; territories and the CSV import."""
    contexts = _contexts()
    chosen = request.args.get("context")
    if not chosen and len(contexts) == 1:
        chosen = str(contexts[0].id)
    ctx = _context(chosen) if chosen else None
    people, cohorts = [], []
    if ctx is not None:
        cohorts = territories.cohorts_of_context(ctx.id)
        people = db.session.execute(
            select(User, Membership.role, CohortMember.cohort_id)
            .join(Membership, Membership.user_id == User.id)
            .outerjoin(
                CohortMember,
                (CohortMember.user_id == User.id) & (CohortMember.context_id == ctx.id),
            )
            .where(Membership.context_id == ctx.id)
            .order_by(User.id)
        ).all()
    return render_template(
        "reporting/manage.html",
        contexts=contexts,
        context=ctx,
        cohorts=cohorts,
        people=people,
        settings=territories.settings_for(ctx.id) if ctx else None,
        territories=list(db.session.scalars(select(Territory).order_by(Territory.name))),
        import_form=ImportForm(formdata=None),
        log=audit.entries(limit=30),
    )


def _apply(action: str, form, ctx: Context | None, actor: int) -> None:
    now = utcnow()
    if action == "territory-new":
        territories.create_territory(form.get("name", ""), form.get("code", ""), form.get("region"))
    elif action == "territory-edit":
        found = db.session.get(Territory, int(form.get("territory") or 0)) or abort(400)
        manage.update_territory(actor, found, form.get("name", ""), form.get("code", ""),
                                form.get("region"), now)  # fmt: skip
    elif ctx is None:
        abort(400)
    elif action in ("cohort-new", "cohort-edit"):
        territory = db.session.get(Territory, int(form.get("territory") or 0))
        if territory is None:
            raise MentoringError("bad_code")
        if action == "cohort-new":
            territories.create_cohort(form.get("name", ""), form.get("slug", ""), territory,
                                      ctx.id, _date("starts_on"), _date("ends_on"))  # fmt: skip
        else:
            cohort = db.session.get(Cohort, int(form.get("cohort") or 0))
            if cohort is None or cohort.context_id != ctx.id:
                abort(400)
            manage.update_cohort(actor, cohort, form.get("name", ""), territory,
                                 _date("starts_on"), _date("ends_on"), now)  # fmt: skip
    elif action == "settings":
        territories.settings_for(ctx.id).learners_pick_territory = bool(form.get("pick"))
        audit.record(actor, "settings.pick", f"context:{ctx.id}", now,
                     details={"learners_pick_territory": bool(form.get("pick"))})  # fmt: skip
    elif action in ("move", "mentor"):
        cohort = db.session.get(Cohort, int(form.get("cohort") or 0))
        person = db.session.get(User, int(form.get("user") or 0))
        if cohort is None or cohort.context_id != ctx.id or person is None:
            abort(400)
        if action == "move":
            placement.move_learner(actor, person.id, cohort, form.get("reason", ""), now)
        else:
            territories.add_mentor(cohort, person)
            audit.record(actor, "cohort.mentor", f"cohort:{cohort.id}", now,
                         details={"mentor": person.id})  # fmt: skip
    else:
        abort(400)


@bp.post("/manage")
@role_required(roles.COORDINATOR)
def manage_post():
    """Apply one management action (CSRF-checked by CSRFProtect), then back to the page."""
    actor, _scope = current_scope()
    ctx = _context(request.form.get("context")) if request.form.get("context") else None
    try:
        _apply(request.form.get("action", ""), request.form, ctx, actor)
        db.session.commit()
        flash(_("Modification enregistrée."), "success")
    except MentoringError as exc:
        db.session.rollback()
        flash(mentoring_messages().get(exc.code, exc.code), "error")
    return redirect(url_for("reporting.manage_home", context=ctx.id if ctx else None), code=303)


@bp.post("/import")
@role_required(roles.COORDINATOR)
def import_csv():
    """Validate a CSV (preview, nothing written), or apply it all-or-nothing."""
    actor, scope = current_scope()
    form = ImportForm()
    content = request.form.get("content")
    if content is None:
        if not form.validate_on_submit():
            abort(400, _("Choisissez un fichier CSV."))
        raw = form.file.data.read(MAX_IMPORT + 1)
        if len(raw) > MAX_IMPORT:
            abort(413)
        try:
            content = raw.decode("utf-8")
        except UnicodeDecodeError:
            abort(400, _("Le fichier doit être encodé en UTF-8."))
    plan = importer.validate(content, scope)
    applied = None
    if plan.ok and request.form.get("confirm") == "1":
        try:
            applied = importer.apply(plan, actor, utcnow())
            db.session.commit()
        except (MentoringError, ValueError) as exc:
            db.session.rollback()
            plan.errors.append((0, str(getattr(exc, "code", exc))))
    status = 422 if plan.errors else 200
    return render_template(
        "reporting/import.html", plan=plan, content=content, applied=applied
    ), status
