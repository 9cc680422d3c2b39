"""`catalyst-training export completions`: the web download's files, written to disk."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..auth.models import Context
from ..content.services import current_versions
from ..core.models import utcnow
from ..extensions import db
from ..mentoring.forms import parse_id
from ..mentoring.models import Cohort, Territory
from . import exports, records
from .filters import Filters
from .formats import FORMAT_NAMES

export_cli = click.Group("export", help="Export completion records.")


def _resolve(context: str | None, territory: str | None, cohort: str | None) -> dict:
    found: dict = {}
    if context:
        pk = db.session.scalar(select(Context.id).filter_by(context_id=context))
        if pk is None and (by_id := parse_id(context)) is not None:
            pk = db.session.get(Context, by_id) and by_id
        if pk is None:
            raise click.BadParameter(f"unknown context {context!r}", param_hint="--context")
        found["context_pk"] = pk
    if territory:
        tid = db.session.scalar(select(Territory.id).filter_by(code=territory.strip().upper()))
        if tid is None:
            raise click.BadParameter(f"unknown territory {territory!r}", param_hint="--territory")
        found["territory_id"] = tid
    if cohort:
        query = select(Cohort.id).filter_by(slug=cohort)
        if "context_pk" in found:
            query = query.filter_by(context_id=found["context_pk"])
        ids = list(db.session.scalars(query))
        if len(ids) != 1:
            raise click.BadParameter(
                f"{len(ids)} cohorts named {cohort!r} (add --context)", param_hint="--cohort"
            )
        found["cohort_id"] = ids[0]
    return found


@export_cli.command("completions")
@click.option("--format", "fmt", type=click.Choice(FORMAT_NAMES), default="csv", show_default=True)
@click.option("--context", help="LTI context id (course run) or its number.")
@click.option("--region")
@click.option("--territory", help="Territory code (INSEE, SIREN or department).")
@click.option("--cohort", help="Cohort slug.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="Activity from.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Activity until.")
@click.option("--summary", is_flag=True, help="One row per learner, a column group per module.")
@click.option("--separator", type=click.Choice([";", ","]), default=";", show_default=True)
@click.option("--with-personal-data", "personal", is_flag=True, help="Names and emails.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
@with_appcontext
def completions_command(
    fmt, context, region, territory, cohort, date_from, date_to, summary, separator, personal,
    output,
) -> None:  # fmt: skip
    """Write completion records (CSV, XLSX, ODS or JSON Lines) to a file."""
    filters = Filters(
        region=region,
        date_from=date_from.date() if date_from else None,
        date_to=date_to.date() if date_to else None,
        **_resolve(context, territory, cohort),
    )
    now = utcnow()
    request = exports.ExportRequest(filters, fmt, summary, personal, separator)
    total = records.count(filters)
    export = exports.prepare(request, now, rows_hint=total)
    if summary:
        total //= max(1, len(current_versions()))  # one row per learner
    with open(output, "wb") as fh:
        if sys.stdout.isatty():
            with click.progressbar(length=total, label="Export", file=sys.stdout) as bar:
                seen = 0
                for chunk in export.chunks():
                    fh.write(chunk)
                    bar.update(export.written - seen)
                    seen = export.written
        else:
            for chunk in export.chunks():
                fh.write(chunk)
    exports.record_export(None, export, now, "cli")
    db.session.commit()
    click.echo(f"{export.written} rows written to {output}")
