"""`catalyst-training content check|sync`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

content_cli = AppGroup("content", help="Check the programme's modules and load them.")

PATH_OPTION = click.option(
    "--path",
    "path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the modules (default: CONTENT_PATH, i.e. ./modules).",
)


def _root(path: Path | None) -> Path:
    return path if path is not None else Path(current_app.config["CONTENT_PATH"])


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


@content_cli.command("check")
@PATH_OPTION
@click.option("--strict", is_flag=True, help="Treat the item-writing lint's warnings as errors.")
def check_command(path: Path | None, strict: bool) -> None:
    """Validate every module; print each problem as file:line: error|warning: message."""
    from .check import check_programme

    report = check_programme(_root(path))
    for problem in report.problems:
        click.echo(str(problem))
    errors, warnings = len(report.errors), len(report.warnings)
    if errors or (strict and warnings):
        found = [_count(errors, "error")] + ([_count(warnings, "warning")] if warnings else [])
        suffix = " (--strict: warnings count as errors)" if strict and warnings else ""
        click.echo(f"{' and '.join(found)} found{suffix}", err=True)
        raise click.exceptions.Exit(1)
    tail = f" ({_count(warnings, 'warning')}; --strict refuses them)" if warnings else ""
    click.echo(f"{len(report.modules)} modules OK{tail}")


@content_cli.command("sync")
@PATH_OPTION
def sync_command(path: Path | None) -> None:
    """Load the modules into the database: a new version per changed module."""
    from ..extensions import db
    from .services import sync_modules

    report = sync_modules(_root(path))
    db.session.commit()
    for problem in report.problems:
        click.echo(str(problem))
    for label, slugs in (("new", report.created), ("reactivated", report.reactivated),
                         ("retired", report.retired)):  # fmt: skip
        for slug in slugs:
            click.echo(f"{label}: {slug}")
    click.echo(report.summary())
    if report.problems:
        raise click.exceptions.Exit(1)


@content_cli.command("templates")
@PATH_OPTION
@click.option("--check", "check", is_flag=True, help="Only say which built files are stale.")
def templates_command(path: Path | None, check: bool) -> None:
    """Build each module's templates/*.yaml into assets/ (ODT and PDF), reproducibly."""
    from .templates_build import TemplateError, build_all, stale

    root = _root(path)
    try:
        changed = stale(root) if check else build_all(root)
    except TemplateError as exc:
        raise click.ClickException(str(exc)) from exc
    for found in changed:
        click.echo(f"{'stale' if check else 'written'}: {found.relative_to(root)}")
    if check and changed:
        click.echo(
            f"{len(changed)} built file(s) out of date: run `catalyst-training content templates`",
            err=True,
        )
        raise click.exceptions.Exit(1)
    click.echo("templates up to date" if check else f"{len(changed)} file(s) written")
