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
        from flask import g

        from .loader import load_programme

        # Once per request: a page may ask for every row, and reading the programme stats files.
        titles = g.get("module_titles")
        if titles is None:
            titles = g.module_titles = {
                m.slug: m.title for m in load_programme(app.config["CONTENT_PATH"])
            }
        return titles.get(slug or "", slug or "—")

    app.jinja_env.globals["module_title"] = module_title

    def sync() -> object:
        from .services import sync_modules

        report = sync_modules(app.config["CONTENT_PATH"])
        for problem in report.problems:
            app.logger.warning("content: %s", problem)
        return report

    app.extensions["catalyst_content_sync"] = sync
