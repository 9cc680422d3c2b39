"""Coordinator management on the console's URLs: course runs, cohorts, moves, CSV import."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ...auth import roles
from ...auth.models import Context
from ...auth.services import require_acting, role_required
from ...extensions import db
from .. import access, audit, csv_rows, importer, management, territories
from ..forms import ImportForm, parse_id
from ..territories import MentoringError
from .actions import apply_posted
from .blueprint import actor, console_bp, finish, message


def _scope() -> tuple[int, tuple[int, ...] | None]:
    acting = require_acting(roles.COORDINATOR)
    return acting.user_id, access.coordinator_scope(acting.user_id, acting.context_pk)


def _context(raw: str | None, scope: tuple[int, ...] | None) -> Context:
    pk = parse_id(raw)
    found = db.session.get(Context, pk) if pk is not None else None
    if found is None or (scope is not None and found.id not in scope):
        abort(404)
    return found


def _contexts(scope: tuple[int, ...] | None) -> list[Context]:
    query = select(Context).order_by(Context.title)
    if scope is not None:
        query = query.where(Context.id.in_(scope or (-1,)))
    return list(db.session.scalars(query))


def _page(
    ctx: Context | None, scope: tuple[int, ...] | None, contexts: list[Context], reader: int
) -> str:
    return render_template(
        "mentoring/manage.html",
        contexts=contexts,
        context=ctx,
        cohorts=territories.cohorts_of_context(ctx.id) if ctx else [],
        people=management.people_of(ctx.id) if ctx else [],
        settings=territories.settings_for(ctx.id) if ctx else None,
        territories=management.all_territories(),
        import_form=ImportForm(formdata=None),
        log=audit.describe(audit.entries(scope, reader, limit=30)),
        can_edit_territories=scope is None,
    )


@console_bp.get("/manage")
@role_required(roles.COORDINATOR)
def manage_home():
    """Pick a course run to manage; territories and the CSV import."""
    user_id, scope = _scope()
    contexts = _contexts(scope)
    chosen = request.args.get("context")
    if not chosen and len(contexts) == 1:
        chosen = str(contexts[0].id)
    return _page(_context(chosen, scope) if chosen else None, scope, contexts, user_id)


@console_bp.post("/manage")
@role_required(roles.COORDINATOR)
def manage_post():
    """Apply one management action (CSRF-checked by CSRFProtect), then back to the page."""
    user_id, scope = _scope()
    raw = request.form.get("context")
    ctx = _context(raw, scope) if raw else None
    author = actor(user_id, ctx.id if ctx else None)
    error = apply_posted(request.form.get("action", ""), author, ctx.id if ctx else None)
    target = url_for("management.manage_home", context=ctx.id if ctx else None)
    done = finish(error, _("Modification enregistrée."), target)
    if done is not None:
        return done
    return _page(ctx, scope, _contexts(scope), user_id), 400


def _uploaded() -> bytes:
    content = request.form.get("content")
    if content is not None:
        return content.encode("utf-8")
    form = ImportForm()
    if not form.validate_on_submit():
        abort(400, _("Choisissez un fichier CSV."))
    return form.file.data.read(csv_rows.MAX_BYTES + 1)


@console_bp.post("/import")
@role_required(roles.COORDINATOR)
def import_csv():
    """Validate a CSV (preview, nothing written), or apply it all-or-nothing."""
    user_id, scope = _scope()
    text, plan = importer.validate_bytes(_uploaded(), scope)
    applied = None
    if plan.ok and request.form.get("confirm") == "1":
        try:
            applied = importer.apply(plan, actor(user_id, None))
            db.session.commit()
        except MentoringError as exc:
            db.session.rollback()
            plan.errors.append((exc.details.get("line", 0), message(exc.code)))
            plan.status = importer.INVALID
    return render_template(
        "mentoring/import.html", plan=plan, content=text, applied=applied
    ), plan.status
