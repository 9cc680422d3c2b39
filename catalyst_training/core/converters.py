"""URL converters: an id in a URL is a positive integer that fits a database key, or a 404."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**63 - 1  # PostgreSQL BIGINT; SQLite raises OverflowError past it


class IdConverter(IntegerConverter):
    """`<int:...>` bounded to 1..2^63-1: a huge or zero id never reaches the database."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app) -> None:
    """Replace the stock `int` converter before any blueprint adds its rules."""
    app.url_map.converters["int"] = IdConverter
