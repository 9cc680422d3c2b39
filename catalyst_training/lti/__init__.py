"""The LTI protocol (1.3, and 1.1 in lti11/). The only package that imports pylti1p3."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """LTI endpoints, launch-token sessions, and the `platform`, `keys` and `roster` commands."""
    from ..auth.policy import add_revocation_check
    from . import (
        models,  # noqa: F401 - registers the registry's tables
        token_session,
    )
    from .cli import keys_cli, platform_cli, roster_cli
    from .lti11 import init_app as init_lti11
    from .services import launch_revoked
    from .views import bp

    add_revocation_check(app, launch_revoked)
    token_session.init_app(app)
    app.register_blueprint(bp)
    init_lti11(app, platform_cli)
    app.cli.add_command(platform_cli)
    app.cli.add_command(keys_cli)
    app.cli.add_command(roster_cli)
    from . import personal_data  # export and erasure of what this domain stores

    personal_data.init_app(app)
