"""`platform add-lti11`: register an LTI 1.1 consumer (key + secret read from a prompt/stdin)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ...core.security import invalidate_origins
from ...extensions import db
from .. import registry
from ..cli import committed
from . import services as lti11


def _read_secret() -> str:
    if sys.stdin.isatty():
        return click.prompt("Shared secret", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@click.command("add-lti11")
@click.option("--name", required=True, help="Shown in `platform list`, e.g. 'FUN MOOC'.")
@click.option("--consumer-key", required=True, help="The LTI 1.1 consumer key (oauth).")
@click.option(
    "--origin",
    default=None,
    help="The platform's origin, e.g. https://lms.fun-mooc.fr (allowed to frame the tool).",
)
@click.option("--inactive", is_flag=True, help="Register without allowing launches yet.")
@with_appcontext
def add_lti11(name: str, consumer_key: str, origin: str | None, inactive: bool) -> None:
    """Register an LTI 1.1 consumer; the shared secret is read from a prompt or stdin."""
    secret = _read_secret()
    try:
        platform = lti11.add_consumer(
            name=name, consumer_key=consumer_key, secret=secret, origin=origin, active=not inactive
        )
    except registry.RegistryError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    invalidate_origins()
    click.echo(f"platform {platform.id} added: {platform.name} (LTI 1.1, key {consumer_key})")
    click.echo("launch URL to give the platform: <CATALYST_BASE_URL>/lti/launch11")
    if not origin:
        click.echo("note: without --origin the platform's pages cannot show the tool in an iframe")


@click.command("lti11-secret")
@click.argument("consumer_key")
@with_appcontext
def lti11_secret(consumer_key: str) -> None:
    """Replace an LTI 1.1 consumer's shared secret (read from a prompt or stdin)."""
    secret = _read_secret()
    platform = committed(lambda: lti11.set_consumer_secret(consumer_key, secret))
    click.echo(f"platform {platform.id}: new shared secret stored for key {consumer_key}")


@click.command("lti11-origin")
@click.argument("consumer_key")
@click.argument("origin")
@with_appcontext
def lti11_origin(consumer_key: str, origin: str) -> None:
    """Set or change an LTI 1.1 consumer's origin (the site allowed to frame the tool)."""
    platform = committed(lambda: lti11.set_consumer_origin(consumer_key, origin))
    invalidate_origins()
    click.echo(f"platform {platform.id}: origin {platform.issuer} for key {consumer_key}")


@click.command("lti11-scores")
@click.argument("consumer_key")
@click.argument("mode", type=click.Choice(lti11.SCORE_MODES))
@with_appcontext
def lti11_scores(consumer_key: str, mode: str) -> None:
    """Send an LTI 1.1 consumer every score (provisional, default) or final scores only."""
    platform = committed(lambda: lti11.set_score_mode(consumer_key, mode))
    click.echo(f"platform {platform.id}: {mode} scores for key {consumer_key}")
