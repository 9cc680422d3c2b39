"""The `catalyst-training` console script: a Flask CLI group with each domain's commands."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext


def _create_app():
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """catalyst-training: LTI tool of the catalyseurs territoriaux programme."""


def initialise(app: Flask) -> None:
    """Create what a first start needs: schema (migrations), tool key, programme."""
    from flask_migrate import upgrade

    from .extensions import db
    from .lti import keys

    with app.app_context():
        upgrade(revision="heads")
        keys.ensure_key()
        db.session.commit()
        sync = app.extensions.get("catalyst_content_sync")
        if sync is not None:
            sync()
            db.session.commit()


def _serve(app: Flask, host: str, port: int) -> None:
    from waitress import serve as waitress_serve

    from .delivery.worker import start_in_process

    start_in_process(app)
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host  # noqa: S104
    click.echo(f"catalyst-training ready: http://{shown}:{port}/")
    if app.config.get("DEMO"):
        click.echo(f"Sandbox platform: http://127.0.0.1:{port}/sandbox/")
    waitress_serve(app, host=host, port=port, threads=8, ident="catalyst-training")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Initialise if needed (instance, keys, migrations, content) and serve."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    initialise(app)
    _serve(app, host, port)


@main.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--fresh", is_flag=True, help="Erase the sandbox platform's demo data and seed it again."
)
def demo_command(host: str, port: int, fresh: bool) -> None:
    """Serve with the built-in sandbox platform at /sandbox (never in production)."""
    from . import create_app
    from .sandbox.seed import seed_and_commit
    from .sandbox.services import register_sandbox

    app = create_app({"DEMO": True, "LOOPBACK_SECURE_COOKIES": True})
    initialise(app)
    with app.app_context():
        register_sandbox(f"http://127.0.0.1:{port}")
        click.echo(seed_and_commit(f"http://127.0.0.1:{port}", fresh=fresh))
    _serve(app, host, port)
