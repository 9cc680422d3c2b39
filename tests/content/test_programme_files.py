"""Programme-wide files: glossary.yaml, self_assessment.yaml, module templates/*.yaml."""

from __future__ import annotations

import os

from catalyst_training.content.check import check_programme
from catalyst_training.content.loader import load_module
from catalyst_training.content.programme import load_glossary, load_self_assessment
from catalyst_training.content.services import glossary, self_assessment
from tests.content.conftest import M


def problems(programme) -> list[str]:
    """The problems of a programme, as printed by `content check`."""
    return [str(p) for p in check_programme(programme.root).problems]


def test_glossary_and_self_assessment_of_the_sample(app):
    terms = glossary()
    assert [t.id for t in terms.terms] == ["epci", "communaute-de-communes"]
    assert terms.get("epci").see_also == ("communaute-de-communes",)
    assert terms.get("absent") is None
    assessment = self_assessment()
    assert assessment.title.startswith("Maturité")
    (dimension,) = assessment.dimensions
    assert [lv.value for lv in dimension.levels] == [1, 2, 3, 4]
    assert dimension.levels[0].label == "Débutant"


def test_programme_files_are_cached_per_mtime_and_optional(sample, tmp_path):
    first = load_glossary(sample.root)
    assert load_glossary(sample.root) is first
    path = sample.path("glossary.yaml")
    path.write_text(path.read_text(encoding="utf-8").replace('"EPCI"', '"E.P.C.I."'))
    os.utime(path, ns=(1, 1))
    assert load_glossary(sample.root).get("epci").term == "E.P.C.I."
    assert load_glossary(tmp_path).terms == () and load_self_assessment(tmp_path) is None


def test_glossary_links_and_see_also_must_resolve(sample):
    lesson = f"{M}/lessons/01-premiere-lecon.md"
    sample.edit(lesson, "(glossary:epci)", "(glossary:ecpi)")
    sample.edit("glossary.yaml", "see_also: [epci]", "see_also: [epci, mission-locale]")
    assert problems(sample) == [
        f'{lesson}:17: error: broken link "glossary:ecpi": no term "ecpi" in glossary.yaml',
        'glossary.yaml:9: error: term "communaute-de-communes": see_also "mission-locale": '
        "no such term",
    ]


def test_self_assessment_levels_are_one_to_four(sample):
    sample.edit("self_assessment.yaml", "{value: 4,", "{value: 3,")
    sample.edit(
        "self_assessment.yaml", 'title: "Connaissance', 'colour: red\n    title: "Connaissance'
    )
    assert problems(sample) == [
        'self_assessment.yaml:5: error: dimensions[0]: unknown key "colour"',
    ]
    sample.edit("self_assessment.yaml", "    colour: red\n", "")
    assert problems(sample) == [
        'self_assessment.yaml:7: error: dimension "connaissance-des-acteurs": levels must be '
        "valued 1, 2, 3, 4 in order (got [1, 2, 3, 3])",
    ]


FICHE = """title: "Fiche d’exemple"
intro: "Une fiche pour les tests du gabarit."
sections:
  - heading: "Le territoire"
    help: "Nommez-le."
    fields: ["Nom du territoire", "Périmètre retenu"]
  - heading: "Les acteurs"
    table: {columns: ["Acteur", "Famille"], rows: 3}
"""


def test_templates_are_checked_but_never_block_the_module(sample):
    template = f"{M}/templates/fiche.yaml"
    sample.write(template, FICHE)
    unbuilt = (
        f"{template}:1: warning: template not built: assets/fiche.odt, assets/fiche.pdf "
        "missing (run `catalyst-training content templates`)"
    )
    assert problems(sample) == [unbuilt]
    sample.write(f"{M}/assets/fiche.odt", "odt")
    sample.write(f"{M}/assets/fiche.pdf", "%PDF")
    assert problems(sample) == []
    sample.edit(template, '    fields: ["Nom du territoire", "Périmètre retenu"]\n', "")
    sample.write(f"{M}/templates/vide.yaml", "title: Vide\n")
    assert problems(sample) == [
        f"{template}:4: error: sections[0]: needs exactly one of: fields, table",
        f'{M}/templates/vide.yaml:1: error: missing key "intro"',
        f'{M}/templates/vide.yaml:1: error: missing key "sections"',
        f"{M}/templates/vide.yaml:1: warning: template not built: assets/vide.odt, "
        "assets/vide.pdf missing (run `catalyst-training content templates`)",
    ]
    module = load_module(sample.path(M))
    assert [lesson.id for lesson in module.lessons] == ["premiere-lecon"]
