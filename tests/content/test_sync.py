"""`content sync`: idempotent, a new current version per change, removed modules retired."""

from __future__ import annotations

from sqlalchemy import func, select

from catalyst_training.content.loader import module_to_snapshot
from catalyst_training.content.models import ModuleVersion
from catalyst_training.content.services import current_version, get_version, sync_modules
from catalyst_training.extensions import db
from tests.content.conftest import M


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(ModuleVersion))


def test_sync_is_idempotent(app, sample):
    report = sync_modules(sample.root)
    assert report.created == ["module-exemple"] and report.changed
    db.session.commit()
    version = current_version("module-exemple")
    assert version is not None and version.is_current and len(version.version) == 64
    assert version.title == "Module d'exemple"
    assert version.snapshot["lessons"][0]["headings"][0]["anchor"] == "une-section"
    assert version.module().quiz.max_points == 2
    again = sync_modules(sample.root)
    assert again.unchanged == ["module-exemple"] and not again.changed
    assert count() == 1


def test_a_change_adds_a_current_version_and_keeps_the_old_one(app, sample):
    sync_modules(sample.root)
    old = current_version("module-exemple")
    sample.edit(f"{M}/lessons/01-premiere-lecon.md", "Une leçon courte", "Une leçon brève")
    report = sync_modules(sample.root)
    assert report.created == ["module-exemple"]
    new = current_version("module-exemple")
    assert new.id != old.id and new.version != old.version
    assert get_version(old.id).is_current is False
    assert get_version(old.id).module().lessons[0].markdown.startswith("Une leçon courte")
    # Reverting the file makes the old version current again, without a new row.
    sample.edit(f"{M}/lessons/01-premiere-lecon.md", "Une leçon brève", "Une leçon courte")
    report = sync_modules(sample.root)
    assert report.reactivated == ["module-exemple"] and count() == 2
    assert current_version("module-exemple").id == old.id


def test_removed_module_is_retired_and_invalid_module_kept(app, sample):
    sample.copy_module(M, "02-second")
    sample.edit("02-second/module.yaml", "slug: module-exemple", "slug: second")
    sample.edit("02-second/module.yaml", "order: 1", "order: 2")
    assert sorted(sync_modules(sample.root).created) == ["module-exemple", "second"]
    sample.edit(f"{M}/module.yaml", "quiz: 50", "quiz: 40")  # now invalid: keeps its version
    sample.remove("02-second")
    report = sync_modules(sample.root)
    assert report.retired == ["second"] and report.created == []
    assert [str(p) for p in report.problems] == [
        f"{M}/module.yaml:14: error: weighting quiz + assignment must sum to 100 (got 90)"
    ]
    assert current_version("second") is None
    assert current_version("module-exemple") is not None
    assert get_version(999) is None


def test_snapshot_is_the_parsed_module(app, sample):
    from catalyst_training.content.loader import load_module

    sync_modules(sample.root)
    module = load_module(sample.path(M))
    assert current_version("module-exemple").snapshot == module_to_snapshot(module)


def test_cli_sync_commits_and_the_start_hook_is_registered(app, cli, sample):
    result = cli("content", "sync", "--path", str(sample.root))
    assert result.exit_code == 0, result.output
    assert "new: module-exemple" in result.output
    assert "1 new, 0 reactivated, 0 unchanged, 0 retired" in result.output
    db.session.remove()
    assert count() == 1
    result = cli("content", "sync", "--path", str(sample.root))
    assert "0 new, 0 reactivated, 1 unchanged, 0 retired" in result.output
    app.config["CONTENT_PATH"] = str(sample.root)
    report = app.extensions["catalyst_content_sync"]()
    assert report.unchanged == ["module-exemple"]
