"""`catalyst-training users add-coordinator EMAIL`: a local account for the console."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..extensions import db
from .accounts import AccountError, save_coordinator

users_cli = click.Group("users", help="Local accounts (coordinators outside the MOOC).")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users_cli.command("add-coordinator")
@click.argument("email")
@with_appcontext
def add_coordinator(email: str) -> None:
    """Create (or reset the password of) a coordinator account; password from a prompt/stdin."""
    password = _read_password()
    try:
        user, created = save_coordinator(email, password)
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    verb = "created" if created else "password updated"
    click.echo(f"coordinator {user.email}: {verb} (log in at /auth/login)")
