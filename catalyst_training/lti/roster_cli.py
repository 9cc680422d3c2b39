"""`catalyst-training roster sync [--context CONTEXT_ID]`."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..auth.models import Context
from ..core.models import utcnow
from ..extensions import db
from .roster import RosterError, sync_roster

roster_cli = AppGroup("roster", help="Course run members, pulled from the platform (NRPS).")


@roster_cli.command("sync")
@click.option("--context", "context_id", default=None, help="LTI context id (default: all).")
def sync(context_id: str | None) -> None:
    """Pull members of one or every course run that sent an NRPS URL."""
    query = select(Context).where(Context.memberships_url.is_not(None)).order_by(Context.id)
    if context_id:
        query = query.where(Context.context_id == context_id)
    contexts = list(db.session.scalars(query))
    if not contexts:
        raise click.ClickException("no course run with an NRPS memberships URL")
    failed = 0
    for context in contexts:
        try:
            report = sync_roster(context, utcnow())
        except RosterError as exc:
            db.session.rollback()
            failed += 1
            click.echo(f"{context.context_id}: failed: {exc}", err=True)
            continue
        db.session.commit()
        click.echo(
            f"{context.context_id}: {report.members} members in {report.pages} page(s), "
            f"{report.created} new, {report.deactivated} marked inactive"
        )
    if failed:
        raise click.ClickException(f"{failed} course run(s) failed")
