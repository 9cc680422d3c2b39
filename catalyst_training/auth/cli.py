"""`users add-coordinator EMAIL` (a local console account), `users export|erase` (personal data)."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from ..core.models import utcnow
from ..extensions import db
from . import personal_data
from .accounts import AccountError, save_coordinator

users_cli = click.Group(
    "users", help="Local accounts (coordinators outside the MOOC) and people's personal data."
)


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


def _person(platform: str, client_id: str | None, sub: str):
    try:
        platform_id = personal_data.resolve_platform(platform, client_id)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from exc
    user = personal_data.find_user(platform_id, sub)
    if user is None:
        raise click.ClickException(f"no person with this sub on platform {platform_id}")
    return platform_id, user


PLATFORM_HELP = "The platform: id, name or issuer."


@users_cli.command("export")
@click.option("--platform", required=True, help=PLATFORM_HELP)
@click.option("--client-id", default=None, help="Which client id, when the issuer has several.")
@click.option("--sub", required=True, help="The person's LTI `sub` (user id) on that platform.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to this file (default: stdout).")  # fmt: skip
@click.option("--by", default=None, help="Who asked (audit log); default: the OS login.")
@with_appcontext
def export(platform: str, client_id: str | None, sub: str, output: str | None, by: str | None):
    """Right of access: everything stored about one person, as JSON (the export is audited)."""
    platform_id, user = _person(platform, client_id, sub)
    now = utcnow()
    data = {"exported_at": now.isoformat(), **personal_data.export(user)}
    text = json.dumps(data, indent=2, ensure_ascii=False, default=personal_data.plain)
    details = {
        **personal_data.operator(by),
        "platform": platform_id,
        "subject": personal_data.subject_ref(platform_id, sub),
    }
    personal_data.record("person.export", f"platform:{platform_id}", now, details)
    if output is None:
        click.echo(text)
    else:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
        click.echo(f"personal data written to {output}", err=True)
    db.session.commit()


@users_cli.command("erase")
@click.option("--platform", required=True, help=PLATFORM_HELP)
@click.option("--client-id", default=None, help="Which client id, when the issuer has several.")
@click.option("--sub", required=True, help="The person's LTI `sub` (user id) on that platform.")
@click.option("--by", default=None, help="Who decided (audit log); default: the OS login.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def erase(platform: str, client_id: str | None, sub: str, by: str | None, yes: bool) -> None:
    """Right to erasure: remove one person's data everywhere, files included (audited)."""
    platform_id, user = _person(platform, client_id, sub)
    if not yes:
        click.confirm(f"Erase every record of this person on platform {platform_id}?", abort=True)
    ref = personal_data.subject_ref(platform_id, sub)
    now = utcnow()
    try:
        erased = personal_data.erase([user.id])
        details = {
            **personal_data.operator(by),
            "platform": platform_id,
            "subject": ref,
            "removed": erased.counts,
            "files": len(erased.files),
            "kept": erased.kept,
        }
        personal_data.record("person.erase", f"platform:{platform_id}", now, details)
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    failed = personal_data.delete_files(erased.files)
    removed = sum(n for kind, n in erased.counts.items() if "anonymised" not in kind)
    click.echo(
        f"erased {ref} on platform {platform_id}: {removed} row(s) removed, "
        f"{len(erased.files) - len(failed)} file(s) deleted"
    )
    for path in failed:
        click.echo(f"could not delete {path}: remove it by hand", err=True)
