"""The programme as files: modules/ read into immutable objects, checked, and versioned."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Content models, the `content` CLI group, the start-up sync hook, `module_title` for pages."""
    from . import models  # noqa: F401 - registers ModuleVersion on the metadata
    from .cli import content_cli

    app.cli.add_command(content_cli)

    def module_title(slug: str | None) -> str:
        """What a person reads for a module: its title (the slug only if it is gone)."""
        from .loader import find_module

        found = find_module(app.config["CONTENT_PATH"], slug)
        return found.title if found is not None else (slug or "—")

    app.jinja_env.globals["module_title"] = module_title

    def sync() -> object:
        from .services import sync_modules

        report = sync_modules(app.config["CONTENT_PATH"])
        for problem in report.problems:
            app.logger.warning("content: %s", problem)
        return report

    app.extensions["catalyst_content_sync"] = sync
