"""`certificates list|issue|revoke`: the console side of certificates of completion."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..auth.personal_data import operator
from ..core.clock import clock_of
from ..extensions import db
from ..learning.models import COMPLETED, ModuleProgress
from . import awards, services
from .models import Certificate

certificates_cli = AppGroup("certificates", help="Certificates of completion.")


@certificates_cli.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include revoked and superseded ones.")
def list_certificates(show_all: bool) -> None:
    """Code, status, kind, issue date and holder of each certificate (newest first)."""
    query = select(Certificate).order_by(Certificate.id.desc())
    if not show_all:
        query = query.where(Certificate.revoked_at.is_(None), Certificate.superseded_at.is_(None))
    for cert in db.session.scalars(query):
        click.echo(
            f"{cert.code}\t{cert.status}\t{cert.kind}\t{cert.issued_at:%Y-%m-%d}\t"
            f"{cert.learner_name or '—'}"
        )


@certificates_cli.command("issue")
def issue() -> None:
    """Issue every certificate due and not issued yet (e.g. completions before this feature).

    The badges due are signed too when CATALYST_BASE_URL is set (else on first use).
    """
    now = clock_of().now()
    learners = db.session.scalars(
        select(ModuleProgress.user_id).where(ModuleProgress.status == COMPLETED).distinct()
    ).all()
    issued = sum(len(services.issue_due(user_id, now)) for user_id in learners)
    signed = sum(awards.ensure_due(user_id, now) for user_id in learners)
    db.session.commit()
    click.echo(f"{issued} certificate(s) issued")
    if signed:
        click.echo(f"{signed} badge(s) signed")


@certificates_cli.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Shown to whoever verifies the certificate.")
@click.option("--by", default=None, help="Who decided (default: your OS login).")
def revoke(code: str, reason: str, by: str | None) -> None:
    """Withdraw a certificate by its verification code (audited)."""
    cert = services.by_code(code)
    if cert is None:
        raise click.ClickException(f"no certificate with code {code}")
    try:
        services.revoke(cert, None, reason, clock_of().now(), via=operator(by))
    except services.CertificateError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"certificate {code} revoked")
