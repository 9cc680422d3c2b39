"""The durable outbox: grade deliveries to the platforms, their worker, transports and page."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Outbox listeners, transports by mode, the deliveries page and the CLI."""
    from ..lti.lti11.models import LTI11
    from . import transports
    from .cli import scores_cli, worker_command
    from .models import DECLARATIVE, PROGRAMMATIC
    from .outbox import install_listeners
    from .transports import ags, outcomes11
    from .views import bp

    install_listeners()
    transports.register(DECLARATIVE, ags.deliver)
    transports.register(PROGRAMMATIC, ags.deliver)
    transports.register(LTI11, outcomes11.deliver)
    app.register_blueprint(bp)
    app.cli.add_command(scores_cli)
    app.cli.add_command(worker_command)
    from . import personal_data  # export and erasure of what this domain stores

    personal_data.init_app(app)
    from . import xapi  # learning records: statements to an LRS, a further queue

    xapi.init_app(app)
