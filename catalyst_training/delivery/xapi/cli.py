"""`xapi lrs set|list|pause|resume|remove`, `xapi replay [--since DATE]`, `xapi status`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from ...extensions import db
from ...lti import registry
from . import endpoints, history
from .models import XapiStatement

xapi_cli = AppGroup("xapi", help="Learning records (xAPI statements) sent to an LRS.")
lrs_cli = AppGroup("lrs", help="The Learning Record Stores statements go to.")
xapi_cli.add_command(lrs_cli)


def _platform_id(ref: str | None) -> int | None:
    if not ref:
        return None
    try:
        return registry.get_platform(ref, None).id
    except registry.RegistryError as exc:
        raise click.ClickException(str(exc)) from exc


def _password() -> str:
    if sys.stdin.isatty():
        return click.prompt("LRS password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@lrs_cli.command("set")
@click.option(
    "--platform",
    "platform_ref",
    default=None,
    help="Platform id, name or issuer; "
    "without it, the global LRS used by platforms that have none.",
)
@click.option("--url", required=True, help="xAPI base URL, e.g. https://lrs.example.org/xAPI/")
@click.option("--username", required=True, help="Basic auth user name.")
@click.option(
    "--send-email/--no-send-email",
    default=None,
    help="Name people by their email (mbox) instead of their platform account.",
)
@click.option("--keep-password", is_flag=True, help="Change the URL or user, not the password.")
def lrs_set(platform_ref, url, username, send_email, keep_password) -> None:
    """Configure an LRS (the password is read from a prompt or stdin, stored encrypted)."""
    password = None if keep_password else _password()
    try:
        found = endpoints.configure(
            _platform_id(platform_ref), url, username, password, send_email=send_email
        )
    except endpoints.LrsError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"LRS {found.id} set: {found.url} (user {found.username})")


@lrs_cli.command("list")
def lrs_list() -> None:
    """The configured LRSs (passwords are never shown)."""
    for endpoint, name in endpoints.listing():
        scope = name or "global"
        state = "active" if endpoint.active else "paused"
        email = "email" if endpoint.send_email else "account"
        click.echo(f"{endpoint.id}\t{scope}\t{endpoint.url}\t{endpoint.username}\t{state}\t{email}")


def _endpoint(platform_ref: str | None):
    found = endpoints.endpoint_of(_platform_id(platform_ref))
    if found is None:
        raise click.ClickException("no LRS configured there")
    return found


@lrs_cli.command("pause")
@click.option("--platform", "platform_ref", default=None)
def lrs_pause(platform_ref) -> None:
    """Stop sending to an LRS; statements wait and are sent on resume."""
    endpoints.set_active(_endpoint(platform_ref), False)
    db.session.commit()
    click.echo("paused")


@lrs_cli.command("resume")
@click.option("--platform", "platform_ref", default=None)
def lrs_resume(platform_ref) -> None:
    """Send again to a paused LRS."""
    endpoints.set_active(_endpoint(platform_ref), True)
    db.session.commit()
    click.echo("resumed")


@lrs_cli.command("remove")
@click.option("--platform", "platform_ref", default=None)
def lrs_remove(platform_ref) -> None:
    """Forget an LRS; the statements recorded for it are kept (replay sends them elsewhere)."""
    endpoints.remove(_endpoint(platform_ref))
    db.session.commit()
    click.echo("removed")


@xapi_cli.command("replay")
@click.option("--since", default=None, help="Date (YYYY-MM-DD) or ISO time; default: everything.")
@click.option("--platform", "platform_ref", default=None, help="Only this platform's people.")
def replay(since: str | None, platform_ref: str | None) -> None:
    """(Re)send statements from the stored history, idempotently (ids are stable)."""
    start = datetime(1970, 1, 1, tzinfo=UTC)
    if since:
        try:
            start = datetime.fromisoformat(since)
        except ValueError as exc:
            raise click.BadParameter(f"not a date: {since!r} (YYYY-MM-DD)") from exc
        start = start if start.tzinfo else start.replace(tzinfo=UTC)
    counts = history.replay(start, _platform_id(platform_ref))
    db.session.commit()
    click.echo(f"rebuilt {counts['rebuilt']}, queued {counts['queued']} (the worker sends them)")


@xapi_cli.command("status")
def status() -> None:
    """How many statements are in each state."""
    rows = db.session.execute(
        select(XapiStatement.state, func.count()).group_by(XapiStatement.state)
    ).all()
    for state, n in sorted(rows):
        click.echo(f"{state}\t{n}")
