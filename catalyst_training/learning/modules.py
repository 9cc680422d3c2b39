"""Modules as the learning pages see them: the current synced version, or an attempt's version."""

from __future__ import annotations

from functools import lru_cache

from flask import url_for
from markupsafe import Markup

from ..content.assets import served_name
from ..content.loader import module_from_snapshot
from ..content.markdown import render_markdown
from ..content.services import current_version, get_version

# Versions never change once written, so a parsed module can be kept by (slug, content hash).
_parsed: dict[tuple[str, str], object] = {}


def module_for_version(version_id: int):
    """The module exactly as it was in a version (immutable, cached per process)."""
    version = get_version(version_id)
    if version is None:
        return None
    key = (version.slug, version.version)
    if key not in _parsed:
        if len(_parsed) > 512:
            _parsed.clear()
        _parsed[key] = module_from_snapshot(version.snapshot)
    return _parsed[key]


def current_module(slug: str | None):
    """(module, version id) of the current version of a slug, or (None, None)."""
    if not slug:
        return None, None
    version = current_version(slug)
    if version is None:
        return None, None
    return module_for_version(version.id), version.id


def resolver(slug: str):
    """Link resolver turning lesson:/module:/glossary: links and assets/ files into app URLs."""

    def resolve(kind: str, target: str, anchor: str | None) -> str:
        if kind == "glossary":
            return f"{url_for('learning.glossary')}#{target}"
        if kind == "lesson":
            url = url_for("learning.lesson", slug=slug, lesson_id=target)
        elif kind == "asset":
            return url_for("learning.asset", slug=slug, filename=served_name(target))
        else:
            url = url_for("learning.module", slug=target)
        return f"{url}#{anchor}" if anchor else url

    return resolve


def ref_url(slug: str, ref: str | None) -> str | None:
    """URL of a quiz feedback reference 'lesson-id#anchor'."""
    if not ref:
        return None
    lesson_id, _, anchor = ref.partition("#")
    url = url_for("learning.lesson", slug=slug, lesson_id=lesson_id)
    return f"{url}#{anchor}" if anchor else url


@lru_cache(maxsize=1024)
def _render(slug: str, text: str, base: str) -> Markup:
    return render_markdown(text, link_resolver=resolver(slug))


def markdown(slug: str, text: str | None) -> Markup:
    """Render module Markdown with in-app links (cached per text)."""
    if not text:
        return Markup("")
    return _render(slug, text, url_for("learning.module", slug=slug))
