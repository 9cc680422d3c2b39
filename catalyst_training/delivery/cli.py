"""`worker` (grade delivery) and `scores resync` commands."""

from __future__ import annotations

import signal
import threading

import click
from flask.cli import AppGroup, with_appcontext

from ..extensions import db
from . import admin as outbox_admin
from . import worker

scores_cli = AppGroup("scores", help="Grades sent to the platforms' gradebooks (AGS).")


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due, then exit.")
@click.option("--name", default=None, help="Worker name in claims (default: host:pid:random).")
@with_appcontext
def worker_command(once: bool, name: str | None) -> None:
    """Deliver pending grades to the platforms until stopped (SIGTERM / Ctrl-C)."""
    stop = threading.Event()
    previous = {}
    if not once and threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, lambda *_args: stop.set())
    try:
        totals = worker.run(stop, once=once, worker=name)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    summary = ", ".join(f"{k} {v}" for k, v in sorted(totals.items())) or "nothing due"
    click.echo(f"grade deliveries: {summary}")


@scores_cli.command("resync")
@click.option("--context", "context_id", default=None, help="LTI context id (course run).")
@click.option("--module", "slug", default=None, help="Module slug.")
def resync(context_id: str | None, slug: str | None) -> None:
    """Queue the current score of every learner again (the worker sends them)."""
    count = outbox_admin.resync(context_id, slug)
    db.session.commit()
    click.echo(f"{count} score(s) queued for delivery")


@scores_cli.command("status")
def status() -> None:
    """Deliveries per state."""
    for state, count in outbox_admin.counts_by_state().items():
        click.echo(f"{state}\t{count}")
