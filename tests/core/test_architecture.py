"""The tree matches docs/architecture.md: every room documented, each with its init_app."""

from importlib import import_module
from pathlib import Path

import catalyst_training

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "catalyst_training"
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
MAX_LINES = 300


def _packages() -> list[str]:
    return sorted(
        str(p.parent.relative_to(PACKAGE))
        for p in PACKAGE.rglob("__init__.py")
        if p.parent != PACKAGE and "views" not in p.parent.parts
    )


def test_every_domain_has_init_app_and_is_created_in_layer_order():
    for domain in catalyst_training.DOMAINS:
        module = import_module(f"catalyst_training.{domain}")
        assert callable(getattr(module, "init_app", None)), f"{domain} has no init_app"
    top = sorted(p for p in _packages() if "/" not in p)
    assert sorted(catalyst_training.DOMAINS) == top


def test_every_package_is_in_the_architecture_document():
    missing = [p for p in _packages() if f"{p.rsplit('/', 1)[-1]}/" not in DOC]
    assert not missing, f"describe these packages in docs/architecture.md: {missing}"


def test_the_document_names_only_packages_that_exist():
    layers = DOC.split("`core < ", 1)[1].split("`", 1)[0]
    named = ["core", *[part.strip() for part in layers.split("<")]]
    assert named == list(catalyst_training.DOMAINS)


def test_every_domain_views_package_has_a_leaf_blueprint():
    for views in PACKAGE.rglob("views"):
        blueprint = views / "blueprint.py"
        assert blueprint.is_file(), f"{views} has no blueprint.py"
        text = blueprint.read_text(encoding="utf-8")
        siblings = {p.stem for p in views.glob("*.py")} - {"__init__", "blueprint"}
        for sibling in siblings:
            assert f"from .{sibling} import" not in text, f"{blueprint} imports .{sibling}"


def test_no_module_is_over_300_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"split these files (at most {MAX_LINES} lines): {long}"


def test_no_assert_for_control_flow_in_the_package():
    found = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in PACKAGE.rglob("*.py")
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if line.lstrip().startswith("assert ")
    ]
    assert not found, f"asserts vanish under python -O: {found}"
