"""The real programme (modules/): it passes `content check --strict`, follows the second edition's
rules, French typography, copies no run of the seed, and its COVERAGE.md points at real things.

These tests list every problem they find, so that authors can fix them all in one pass.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from catalyst_training.content.check import check_programme
from catalyst_training.content.loader import (
    load_programme,
    module_from_snapshot,
    module_to_snapshot,
)
from catalyst_training.content.programme import load_glossary, load_self_assessment
from tests.content.conftest import REAL
from tests.content.programme_checks import file_faults, ngrams, shared_runs

ROOT = REAL.parent
SEED = ROOT.parent / "shared" / "seed"
RUN = 10  # words: no run this long may be shared with the seed
SLUGS = [
    "territoire-et-alliances", "acteurs-publics", "analyser-les-alliances",
    "co-construire-une-alliance", "mesurer-resultats-et-impact", "demultiplier-les-alliances",
    "feuille-de-route",
]  # fmt: skip
PEER_EXCHANGE = {"analyser-les-alliances", "co-construire-une-alliance",
                 "demultiplier-les-alliances", "feuille-de-route"}  # fmt: skip
GLOSSARY_IDS = {
    "epci", "communaute-de-communes", "autorite-organisatrice-de-la-mobilite", "ess",
    "mission-locale", "amorcage", "changement-d-echelle", "alliance-territoriale",
    "catalyseur-territorial", "co-construction", "mecenat", "rse", "collectivite-territoriale",
    "departement", "region", "intercommunalite", "bassin-de-vie", "gouvernance",
    "tiers-de-confiance", "registre-d-impact",
}  # fmt: skip
TEMPLATES = {
    "territoire-et-alliances": "carte-des-acteurs", "analyser-les-alliances": "grille-d-analyse",
    "co-construire-une-alliance": "regles-du-jeu",
    "mesurer-resultats-et-impact": "tableau-de-bord-trois-registres",
    "demultiplier-les-alliances": "fiche-de-visite",
}  # fmt: skip


def _report(problems: list[str], what: str) -> str:
    return f"{len(problems)} {what}:\n" + "\n".join(problems)


def _text_files() -> list[Path]:
    return sorted(p for p in REAL.rglob("*") if p.suffix in (".md", ".yaml") and p.is_file())


def test_content_check_strict_passes_on_modules():
    problems = [str(p) for p in check_programme(REAL).problems]
    assert not problems, _report(problems, "problems (`content check --strict --path modules`)")


def test_cli_check_strict_on_the_real_programme(cli):
    result = cli("content", "check", "--strict", "--path", str(REAL))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"{len(SLUGS)} modules OK"


def test_second_edition_shape():
    modules = {m.slug: m for m in load_programme(REAL)}
    problems = [f"module {s}: missing or invalid" for s in SLUGS if s not in modules]
    for slug, module in modules.items():
        if slug == "feuille-de-route" and set(module.prerequisites) != set(SLUGS[:-1]):
            problems.append(f"{slug}: prerequisites must be the six other modules")
        want = {"territoire-et-alliances": "start", "feuille-de-route": "end"}.get(slug)
        if module.self_assessment != want:
            problems.append(f"{slug}: self_assessment must be {want!r}")
        if (module.completion.get("peer_exchange") == "attended") != (slug in PEER_EXCHANGE):
            problems.append(f"{slug}: peer_exchange: attended only in {sorted(PEER_EXCHANGE)}")
        rubric = module.assignment.rubric if module.assignment else ()
        if not 3 <= len(rubric) <= 4:
            problems.append(f"{slug}: the rubric needs 3 or 4 criteria (has {len(rubric)})")
        for criterion in rubric:
            if not 3 <= len(criterion.levels) <= 4:
                problems.append(f"{slug}: criterion {criterion.id} needs 3 or 4 levels")
        for lesson in module.lessons[:-1]:  # the last lesson of a module may end otherwise
            last = [h.text for h in lesson.headings if h.level == 2][-1:]
            if last != ["Questions pour réfléchir"]:
                problems.append(f"{slug}/{lesson.id}: end with ## Questions pour réfléchir")
        if module.assignment and module.assignment.mentor_guide is None:
            problems.append(f"{slug}: no mentor_guide")
        if slug in TEMPLATES:
            name = TEMPLATES[slug]
            folder = module.path
            for rel in (f"templates/{name}.yaml", f"assets/{name}.odt", f"assets/{name}.pdf"):
                if not (folder / rel).is_file():
                    problems.append(f"{folder.name}: missing {rel}")
    assert not problems, _report(problems, "problems")


def test_glossary_and_self_assessment():
    glossary, assessment = load_glossary(REAL), load_self_assessment(REAL)
    problems = [f"glossary.yaml: missing term {i}" for i in sorted(GLOSSARY_IDS - glossary.ids)]
    if assessment is None:
        problems.append("self_assessment.yaml: missing or invalid (run content check)")
    elif not 5 <= len(assessment.dimensions) <= 8:
        problems.append(
            f"self_assessment.yaml: 5 to 8 dimensions (has {len(assessment.dimensions)})"
        )
    assert not problems, _report(problems, "problems")


def test_french_typography():
    faults = [
        f"{path.relative_to(ROOT)}:{line}: {rule}: {excerpt!r}"
        for path in _text_files()
        for line, rule, excerpt in file_faults(path)
    ]
    assert not faults, _report(faults, "typography faults (use U+00A0 or U+202F)")


@pytest.mark.skipif(not SEED.is_dir(), reason="the seed (../shared/seed) is not beside the clone")
def test_no_run_of_ten_words_is_copied_from_the_seed():
    seed: set[tuple[str, ...]] = set()
    for path in sorted(SEED.glob("*.txt")):
        seed |= ngrams(path.read_text(encoding="utf-8"), RUN)
    copies = [
        f"{path.relative_to(ROOT)}:{line}: {len(run.split())} words shared with the seed: {run!r}"
        for path in _text_files()
        for line, run in shared_runs(path.read_text(encoding="utf-8"), seed, RUN)
    ]
    assert not copies, _report(copies, f"runs of {RUN}+ words copied from the seed")


REF = re.compile(r"`([0-9a-z-]+)/([0-9a-z-]+)#([0-9a-z-]+)`")


def test_coverage_map_points_at_real_sections_and_assessments():
    path = REAL / "COVERAGE.md"
    assert path.is_file(), "modules/COVERAGE.md is missing (see modules/README.md)"
    modules = {}
    for module in load_programme(REAL):
        modules[module.slug] = modules[module.path.name] = module
    problems, seen = [], set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for name, part, anchor in REF.findall(line):
            where = f"COVERAGE.md:{n}: `{name}/{part}#{anchor}`"
            module = modules.get(name)
            if module is None:
                problems.append(f"{where}: no module {name!r}")
                continue
            seen.add(module.slug)
            if part == "quiz":
                if module.quiz is None or module.quiz.question(anchor) is None:
                    problems.append(f"{where}: no question {anchor!r} in the quiz")
            elif part in ("assignment", "rubric"):
                ids = {c.id for c in module.assignment.rubric} if module.assignment else set()
                if anchor not in ids:
                    problems.append(f"{where}: no criterion {anchor!r} in the rubric")
            elif module.lesson(part) is None:
                problems.append(f"{where}: no lesson {part!r}")
            elif anchor not in module.lesson(part).anchors:
                problems.append(f"{where}: no section {anchor!r} in lesson {part!r}")
    if not seen:
        problems.append("COVERAGE.md names no `module/lesson#anchor` (see modules/README.md)")
    assert not problems, _report(problems, "broken references in COVERAGE.md")


def test_snapshot_round_trip_of_the_real_programme():
    modules = load_programme(REAL)
    assert [m.slug for m in modules] == SLUGS
    for module in modules:
        again = module_from_snapshot(json.loads(json.dumps(module_to_snapshot(module))))
        assert again == module and again.lessons[0].html == module.lessons[0].html
