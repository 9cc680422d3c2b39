"""`platform`, `keys` and `roster` commands."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..auth.models import Context
from ..auth.personal_data import delete_files, operator
from ..core.models import utcnow
from ..core.security import invalidate_origins
from ..extensions import db
from . import keys, registry
from .roster import RosterError, sync_roster

T = TypeVar("T")


def committed(action: Callable[[], T]) -> T:
    """Run a registry change and commit it; a RegistryError rolls back and becomes the message."""
    try:
        result = action()
    except registry.RegistryError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    return result


platform_cli = AppGroup("platform", help="Register the platforms that launch the tool.")
keys_cli = AppGroup("keys", help="The tool's signing keys.")


@platform_cli.command("add")
@click.option("--issuer", required=True)
@click.option("--client-id", required=True)
@click.option("--auth-login-url", required=True)
@click.option("--auth-token-url", required=True)
@click.option("--key-set-url", required=True)
@click.option("--deployment-id", "deployment_ids", multiple=True, required=True)
@click.option("--audience", default=None)
@click.option("--name", default=None)
@click.option("--inactive", is_flag=True, help="Register without allowing launches yet.")
def add(
    issuer,
    client_id,
    auth_login_url,
    auth_token_url,
    key_set_url,
    deployment_ids,
    audience,
    name,
    inactive,
) -> None:
    """Register an LTI 1.3 platform (several client ids per issuer are allowed)."""
    try:
        platform = registry.add_platform(
            issuer=issuer,
            client_id=client_id,
            auth_login_url=auth_login_url,
            auth_token_url=auth_token_url,
            key_set_url=key_set_url,
            deployment_ids=list(deployment_ids),
            audience=audience,
            name=name,
            active=not inactive,
        )
    except registry.RegistryError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    keys.ensure_key()
    db.session.commit()
    invalidate_origins()
    click.echo(f"platform {platform.id} added: {platform.name} ({issuer}, client {client_id})")


@platform_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_(as_json: bool) -> None:
    """List registered platforms and their deployments."""
    platforms = registry.list_platforms()
    if as_json:
        click.echo(json.dumps([p.as_dict() for p in platforms], indent=2))
        return
    if not platforms:
        click.echo("no platform registered")
    for p in platforms:
        deps = ", ".join(
            d.deployment_id + ("" if d.active else " (inactive)") for d in p.deployments
        )
        state = "active" if p.active else "INACTIVE"
        click.echo(
            f"{p.id}\t{p.name}\tLTI {p.lti_version}\t{p.issuer}\t{p.client_id}\t"
            f"{state}\tdeployments: {deps or '-'}"
        )


def _find(platform: str, client_id: str | None):
    try:
        return registry.get_platform(platform, client_id)
    except registry.RegistryError as exc:
        raise click.ClickException(str(exc)) from exc


def _describe(held: dict[str, int]) -> str:
    people = held.get("people", 0)
    rest = ", ".join(f"{n} {kind}" for kind, n in held.items() if kind != "people" and n)
    return f"{people} people" + (f" ({rest})" if rest else "")


BY_HELP = "Who decided (recorded in the audit log); default: the OS login."


@platform_cli.command("remove")
@click.argument("platform")
@click.option("--client-id", default=None, help="Which client id, when the issuer has several.")
@click.option(
    "--purge-learner-data",
    "purge",
    is_flag=True,
    help="Also erase every person of the platform, their rows and files.",
)
@click.option("--by", default=None, help=BY_HELP)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def remove(platform: str, client_id: str | None, purge: bool, by: str | None, yes: bool) -> None:
    """Remove a platform given by id, name or issuer (refused while it holds people's data)."""
    found = _find(platform, client_id)
    held = registry.learner_data(found)
    if held.get("people") and not purge:
        raise click.ClickException(
            f"platform {found.id} ({found.name}) still holds the data of {_describe(held)}; "
            "nothing removed. Stop it with `platform disable` (data kept), or remove it with "
            "--purge-learner-data to erase that data and its files."
        )
    if not yes:
        what = f" and ERASE the data of {_describe(held)}" if held.get("people") else ""
        click.confirm(f"Remove platform {found.id} ({found.name}){what}?", abort=True)
    try:
        erased = registry.purge_platform(found, utcnow(), operator(by)) if purge else None
        if erased is None:
            registry.remove_platform(found)
    except registry.RegistryError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    invalidate_origins()
    if erased is None:
        click.echo(f"platform {found.id} removed")
        return
    failed = delete_files(erased.files)
    click.echo(
        f"platform {found.id} removed; {erased.counts.get('auth.users', 0)} people erased, "
        f"{len(erased.files) - len(failed)} attachment file(s) deleted"
    )
    for path in failed:
        click.echo(f"could not delete {path}: remove it by hand", err=True)


def _set_active(platform: str, client_id: str | None, by: str | None, active: bool) -> None:
    found = _find(platform, client_id)
    changed = registry.set_active(found, active, utcnow(), operator(by))
    db.session.commit()
    invalidate_origins()
    state = "enabled" if active else "disabled"
    click.echo(f"platform {found.id} ({found.name}) {state}" + ("" if changed else " already"))


@platform_cli.command("disable")
@click.argument("platform")
@click.option("--client-id", default=None, help="Which client id, when the issuer has several.")
@click.option("--by", default=None, help=BY_HELP)
def disable(platform: str, client_id: str | None, by: str | None) -> None:
    """Stop a platform: launches refused, sessions ended, deliveries held; data kept."""
    _set_active(platform, client_id, by, False)


@platform_cli.command("enable")
@click.argument("platform")
@click.option("--client-id", default=None, help="Which client id, when the issuer has several.")
@click.option("--by", default=None, help=BY_HELP)
def enable(platform: str, client_id: str | None, by: str | None) -> None:
    """Allow a disabled platform's launches again (its deployments keep their own state)."""
    _set_active(platform, client_id, by, True)


@platform_cli.command("approve")
@click.argument("platform")
@click.option("--client-id", default=None, help="Which client id, when the issuer has several.")
def approve(platform: str, client_id: str | None) -> None:
    """Allow launches from a platform (e.g. one added by dynamic registration)."""
    try:
        found = registry.get_platform(platform, client_id)
    except registry.RegistryError as exc:
        raise click.ClickException(str(exc)) from exc
    found.active = True
    for deployment in found.deployments:
        deployment.active = True
    # Marks the registration as taken in hand: the worker's clean-up never removes it.
    found.extra = {**(found.extra or {}), "approved_at": utcnow().isoformat()}
    db.session.commit()
    invalidate_origins()
    click.echo(f"platform {found.id} approved: {found.name} ({found.issuer})")


@platform_cli.command("add-deployment")
@click.argument("platform")
@click.argument("deployment_id")
@click.option("--client-id", default=None, help="Which registration, when an issuer has several.")
def add_deployment(platform: str, deployment_id: str, client_id: str | None) -> None:
    """Register a deployment added on the platform side (a launch names it in deployment_id)."""
    found = committed(
        lambda: registry.add_deployment(registry.get_platform(platform, client_id), deployment_id)
    )
    click.echo(f"platform {found.platform_id}: deployment {deployment_id} registered")


@keys_cli.command("rotate")
@click.option(
    "--keep", default=1, show_default=True, help="How many previous public keys stay published."
)
def rotate(keep: int) -> None:
    """Add a new signing key; the previous public key stays in the JWKS."""
    key = keys.create_key()
    removed = keys.remove_retired_keys(keep=keep)
    db.session.commit()
    click.echo(f"new signing key {key.kid}; {removed} old key(s) unpublished")


@keys_cli.command("list")
def list_keys() -> None:
    """Show the tool's keys."""
    from sqlalchemy import select

    from .models import ToolKey

    for key in db.session.scalars(select(ToolKey).order_by(ToolKey.id)):
        flags = ("signing " if key.signing else "") + ("published" if key.published else "")
        click.echo(f"{key.kid}\t{key.created_at:%Y-%m-%d %H:%M}\t{flags.strip() or 'retired'}")


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
