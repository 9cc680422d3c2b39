"""Credentials issued from completion: certificates of completion and their Open Badges 3.0."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The completion hook, the download, verification and coordinator pages, the CLI."""
    from ..learning.progress import COMPLETION_HOOKS
    from . import (
        models,  # noqa: F401 - registers the credentials tables
        personal_data,
    )
    from .cli import certificates_cli
    from .panels import install_panels
    from .services import on_module_completed
    from .views import bp

    # learning cannot import us: it calls this when a learner's module becomes completed.
    COMPLETION_HOOKS["credentials"] = on_module_completed
    app.register_blueprint(bp)
    app.cli.add_command(certificates_cli)
    install_panels(app)
    personal_data.init_app(app)
