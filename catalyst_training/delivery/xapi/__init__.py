"""Learning records: xAPI statements of what learners and mentors do, sent to an LRS.

Domain events (core/events.py) become statements in the outbox's `xapi_statements` queue; the
worker sends them in batches (transport.py); `xapi replay` sends the history again.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The events listener, the outbox queue and the `xapi` commands."""
    from ...core import events
    from .. import queues
    from .capture import on_event
    from .cli import xapi_cli
    from .transport import run_batch

    events.listen(app, "xapi", on_event)
    queues.register_queue("xapi", run_batch)
    app.cli.add_command(xapi_cli)
