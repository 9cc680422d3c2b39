"""Users, roles and where they are: contexts (course runs), resource links, memberships."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Session endpoints, the policy table's enforcement and the `users` commands."""
    from . import models  # noqa: F401 - registers the users' tables
    from .cli import users_cli
    from .policy import enforce
    from .views import bp

    app.before_request(enforce)
    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
