"""Fixtures of the content tests: programmes copied to tmp_path and edited."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "modules"
REAL = HERE.parent.parent / "modules"
M = "01-module-exemple"


class Programme:
    """A copy of a programme folder that tests can edit."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, name: str) -> Path:
        """Absolute path of a file, relative to the programme root."""
        return self.root / name

    def write(self, name: str, text: str) -> None:
        """Create or replace a file."""
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def edit(self, name: str, old: str, new: str) -> None:
        """Replace old (which must occur exactly once) by new in a file."""
        text = self.path(name).read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
        self.write(name, text.replace(old, new))

    def copy_module(self, source: str, target: str) -> None:
        """Duplicate a module folder."""
        shutil.copytree(self.root / source, self.root / target)

    def remove(self, name: str) -> None:
        """Delete a file or a folder."""
        path = self.path(name)
        shutil.rmtree(path) if path.is_dir() else path.unlink()


@pytest.fixture
def sample(tmp_path) -> Programme:
    """An editable copy of the sample programme (tests/content/modules)."""
    root = tmp_path / "programme"
    shutil.copytree(SAMPLE, root)
    return Programme(root)


@pytest.fixture
def real(tmp_path) -> Programme:
    """An editable copy of the real programme (modules/)."""
    root = tmp_path / "real"
    shutil.copytree(REAL, root, ignore=shutil.ignore_patterns("README.md"))
    return Programme(root)
