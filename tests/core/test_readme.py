"""The README documents every setting and keeps exactly two quick-start commands."""

import re
from pathlib import Path

from catalyst_training.config import ENV_SETTINGS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_configuration_table():
    missing = [name for name in ENV_SETTINGS if f"`CATALYST_{name}`" not in README]
    assert not missing, f"add to the README configuration table: {missing}"


def test_quick_start_has_one_run_and_one_test_command():
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.+?)\n```", quick, re.S)
    assert len(commands) == 2
    assert all("\n" not in c for c in commands), "each quick-start command is one line"
    assert "catalyst-training demo" in commands[0]
    assert "pytest" in commands[1] and ".[test]" in commands[1]
