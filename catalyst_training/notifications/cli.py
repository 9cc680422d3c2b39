"""`notifications status` and `notifications check-smtp` commands."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..delivery.transports import DeliveryError
from ..extensions import db
from .models import NotificationEvent, NotificationMessage
from .smtp import Connection, parse_url

notifications_cli = AppGroup("notifications", help="Messages to mentors, learners, coordinators.")


@notifications_cli.command("status")
def status() -> None:
    """Messages per state and events waiting to be told."""
    rows = db.session.execute(
        select(NotificationMessage.state, func.count()).group_by(NotificationMessage.state)
    ).all()
    for state, count in sorted(rows):
        click.echo(f"{state}: {count}")
    waiting = db.session.scalar(
        select(func.count()).where(NotificationEvent.message_row_id.is_(None))
    )
    click.echo(f"events waiting: {waiting}")


@notifications_cli.command("check-smtp")
def check_smtp() -> None:
    """Connect to CATALYST_SMTP_URL (TLS and login as configured) and quit; sends nothing."""
    url = current_app.config.get("SMTP_URL")
    if not url:
        raise click.ClickException("CATALYST_SMTP_URL is not set: no message is sent.")
    try:
        settings = parse_url(str(url), float(current_app.config.get("SMTP_TIMEOUT") or 20))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    connection = Connection(settings)
    try:
        connection.open()
    except DeliveryError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        connection.close()
    click.echo(f"ok: {settings!r}")
