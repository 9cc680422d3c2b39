"""`content check`: one broken tree per error kind, each reported as an exact file:line: message."""

from __future__ import annotations

from catalyst_training.content.check import check_programme
from tests.content.conftest import M


def problems(programme) -> list[str]:
    """The problems of a programme, as printed by `content check`."""
    return [str(p) for p in check_programme(programme.root).problems]


def test_sample_programme_is_clean(sample):
    assert problems(sample) == []


def test_unknown_key_missing_key_wrong_type(sample):
    sample.edit(f"{M}/module.yaml", "weighting:\n", "colour: blue\nweighting:\n")
    sample.edit(f"{M}/module.yaml", 'title: "Module d\'exemple"\n', "")
    sample.edit(f"{M}/module.yaml", "duration_minutes: 20", "duration_minutes: vingt")
    assert problems(sample) == [
        f'{M}/module.yaml:1: error: missing key "title"',
        f"{M}/module.yaml:6: error: duration_minutes: expected integer, got string",
        f'{M}/module.yaml:13: error: unknown key "colour"',
    ]


def test_question_shapes_follow_their_type(sample):
    quiz = f"{M}/quiz.yaml"
    sample.edit(quiz, 'feedback: "Non.", ref:', 'feedback: "Non.", colour: red, ref:')
    sample.edit(quiz, "    answer: true\n", "")
    sample.edit(quiz, '    points: 1\n    prompt: "Quelle', '    points: un\n    prompt: "Quelle')
    assert problems(sample) == [
        f"{M}/quiz.yaml:14: error: questions[0].points: expected number, got string",
        f'{M}/quiz.yaml:18: error: questions[0].choices[1]: unknown key "colour"',
        f'{M}/quiz.yaml:20: error: questions[1]: missing key "answer"',
    ]
    sample.edit(quiz, "type: truefalse", "type: essay")
    assert f"{M}/quiz.yaml:21: error: questions[1].type: must be one of single, multiple, " \
        "truefalse, short_text, ordering, matching (got 'essay')" in problems(sample)  # fmt: skip


def test_yaml_syntax_error_and_duplicate_key(sample):
    sample.edit(f"{M}/module.yaml", "order: 1", "order: 1\norder: 2")
    sample.edit(f"{M}/quiz.yaml", "grading: highest", "grading: [highest")
    assert problems(sample) == [
        f'{M}/module.yaml:9: error: duplicate key "order"',
        f"{M}/quiz.yaml:5: error: YAML error: expected ',' or ']', but got ':'",
    ]


def test_duplicate_ids(sample):
    sample.copy_module(M, "02-module-exemple")
    sample.edit("02-module-exemple/module.yaml", "order: 1", "order: 2")
    quiz = f"{M}/quiz.yaml"
    sample.edit(quiz, "- id: q-vrai-faux", "- id: q-single")
    sample.edit(quiz, '{id: b, text: "La mauvaise"', '{id: a, text: "La mauvaise"')
    sample.edit(f"{M}/assignment.yaml", "{id: correct,", "{id: insuffisant,")
    sample.write(f"{M}/lessons/02-premiere-lecon.md", "---\nid: premiere-lecon\ntitle: Bis\n"
                 "duration_minutes: 5\nobjectives: [Être capable de lire.]\n"
                 "---\nTexte.\n")  # fmt: skip
    assert problems(sample) == [
        f'{M}/assignment.yaml:14: error: duplicate level id "insuffisant" in criterion "clarte"',
        f'{M}/lessons/02-premiere-lecon.md:2: error: duplicate lesson id "premiere-lecon" '
        f"(also in {M}/lessons/01-premiere-lecon.md)",
        f"{M}/module.yaml:7: error: duration_minutes 20 is below the sum of its parts: 25 "
        "(lessons 10, quiz 5, assignment 10)",
        f'{M}/quiz.yaml:18: error: duplicate choice id "a" in question "q-single"',
        f'{M}/quiz.yaml:20: error: duplicate question id "q-single"',
        '02-module-exemple/module.yaml:1: error: duplicate module slug "module-exemple" '
        f"(also in {M}/module.yaml)",
    ]


def test_slug_order_and_lesson_id_must_match_file_names(sample):
    sample.edit(f"{M}/module.yaml", "slug: module-exemple", "slug: autre-slug")
    sample.path(f"{M}/lessons/01-premiere-lecon.md").rename(sample.path(f"{M}/lessons/01-x.md"))
    assert problems(sample) == [
        f'{M}/lessons/01-x.md:2: error: lesson id "premiere-lecon" does not match the file name '
        '"01-x.md"',
        f'{M}/module.yaml:1: error: slug "autre-slug" does not match the folder name "{M}"',
    ]
    sample.edit(f"{M}/module.yaml", "slug: autre-slug", "slug: module-exemple")
    sample.edit(f"{M}/module.yaml", "order: 1", "order: 3")
    assert f'{M}/module.yaml:8: error: order 3 does not match the folder number "01"' in problems(
        sample
    )


def test_broken_internal_links_and_refs(sample):
    lesson = f"{M}/lessons/01-premiere-lecon.md"
    sample.edit(lesson, "#une-autre-section)", "#nulle-part) et [m](module:inconnu)")
    sample.edit(lesson, "- un point", "- un point vers [l](lesson:absente) et [a](#ici)")
    sample.edit(f"{M}/quiz.yaml", 'ref: "premiere-lecon#une-autre-section"',
                'ref: "premiere-lecon#absente"')  # fmt: skip
    sample.edit(f"{M}/quiz.yaml", '"Oui.", ref: "premiere-lecon#une-section"',
                '"Oui.", ref: "autre-lecon#une-section"')  # fmt: skip
    sample.edit(f"{M}/assignment.yaml", "Dix lignes suffisent.",
                "Dix lignes.\n  Voir [ici](lesson:premiere-lecon#rien).")  # fmt: skip
    assert problems(sample) == [
        f'{M}/assignment.yaml:6: error: broken link "lesson:premiere-lecon#rien": '
        'no section "rien" in lesson "premiere-lecon"',
        f'{lesson}:11: error: broken link "lesson:premiere-lecon#nulle-part": '
        'no section "nulle-part" in lesson "premiere-lecon"',
        f'{lesson}:11: error: broken link "module:inconnu": no module "inconnu"',
        f'{lesson}:14: error: broken link "#ici": no section "ici" in lesson "premiere-lecon"',
        f'{lesson}:14: error: broken link "lesson:absente": no lesson "absente" in this module',
        f'{M}/quiz.yaml:17: error: broken ref "autre-lecon#une-section": '
        'no lesson "autre-lecon" in this module',
        f'{M}/quiz.yaml:26: error: broken ref "premiere-lecon#absente": '
        'no section "absente" in lesson "premiere-lecon"',
    ]


def test_mentor_guide_markdown_is_checked_like_a_lesson(sample):
    sample.edit(f"{M}/assignment.yaml", "Vérifiez d’abord", "Voir [l](lesson:absente). Vérifiez")
    sample.edit(f"{M}/assignment.yaml", "« Chez nous", "<b>« Chez nous</b>")
    assert problems(sample) == [
        f'{M}/assignment.yaml:22: error: broken link "lesson:absente": no lesson "absente" '
        "in this module",
        f"{M}/assignment.yaml:30: error: raw HTML is not allowed",
    ]


def test_correct_answers(sample):
    quiz = f"{M}/quiz.yaml"
    sample.edit(quiz, '"La mauvaise", correct: false', '"La mauvaise", correct: true')
    assert problems(sample) == [
        f'{M}/quiz.yaml:16: error: question "q-single": a single question needs exactly 1 correct '
        "choice (found 2)"
    ]
    sample.edit(quiz, "type: single", "type: multiple")
    assert problems(sample) == []
    sample.edit(quiz, '"La bonne", correct: true', '"La bonne", correct: false')
    sample.edit(quiz, '"La mauvaise", correct: true', '"La mauvaise", correct: false')
    assert problems(sample) == [
        f'{M}/quiz.yaml:16: error: question "q-single": a multiple question needs at least 1 '
        "correct choice"
    ]


def test_unreachable_pass_mark(sample):
    quiz = f"{M}/quiz.yaml"
    sample.edit(quiz, "pass_mark: 50", "pass_mark: 120")
    assert problems(sample) == [
        f"{M}/quiz.yaml:2: error: pass mark 120 is unreachable: it is a percentage (at most 100)"
    ]
    text = sample.path(quiz).read_text(encoding="utf-8").replace("points: 1", "points: 0")
    sample.write(quiz, text.replace("pass_mark: 120", "pass_mark: 50"))
    assert problems(sample) == [
        f"{M}/quiz.yaml:2: error: pass mark 50 is unreachable: the questions are worth 0 points"
    ]


def test_weighting_and_rubric_points(sample):
    sample.edit(f"{M}/module.yaml", "quiz: 50", "quiz: 40")
    sample.edit(f"{M}/assignment.yaml", 'points: 2, descriptor: "Limpide."',
                'points: 1, descriptor: "Limpide."')  # fmt: skip
    assert problems(sample) == [
        f'{M}/assignment.yaml:15: error: criterion "clarte": level points must increase '
        "(1 after 1)",
        f"{M}/module.yaml:14: error: weighting quiz + assignment must sum to 100 (got 90)",
    ]


def test_prerequisites_unknown_and_cycles(sample):
    sample.copy_module(M, "02-module-b")
    b = "02-module-b/module.yaml"
    sample.edit(b, "slug: module-exemple", "slug: module-b")
    sample.edit(b, "order: 1", "order: 2")
    sample.edit(b, "prerequisites: []", "prerequisites: [module-exemple, inconnu]")
    sample.edit(f"{M}/module.yaml", "prerequisites: []", "prerequisites:\n  - module-b")
    assert problems(sample) == [
        "02-module-b/module.yaml:9: error: prerequisite cycle: "
        "module-b -> module-exemple -> module-b",
        '02-module-b/module.yaml:9: error: unknown prerequisite "inconnu"',
    ]


def test_external_links_images_and_raw_html(sample):
    lesson = f"{M}/lessons/01-premiere-lecon.md"
    sample.edit(lesson, "https://example.org/", "http://example.org/")
    sample.edit(lesson, "- un autre point", "- un <b>autre</b> point ![i](http://x.org/i.png)\n"
                "\n<div>bloc</div>\n\n![j](img/absente.png) [k](page.html)")  # fmt: skip
    assert problems(sample) == [
        f'{lesson}:10: error: external link "http://example.org/" must use https',
        f'{lesson}:15: error: image "http://x.org/i.png" must use https or be a file of the module',
        f"{lesson}:15: error: raw HTML is not allowed",
        f"{lesson}:17: error: raw HTML is not allowed",
        f'{lesson}:19: error: image "img/absente.png" is not in the module\'s assets/ folder',
        f'{lesson}:19: error: link "page.html" is not in the module\'s assets/ folder',
    ]


def test_lessons_show_only_allowed_files_of_assets(sample):
    lesson = f"{M}/lessons/01-premiere-lecon.md"
    sample.write(f"{M}/images/vieille.png", "png")
    sample.write(f"{M}/assets/fiche.pdf", "%PDF")
    sample.write(f"{M}/assets/notes.yaml", "a: 1")
    sample.edit(
        lesson,
        "- un autre point",
        "- un autre point\n\n"
        "![a](images/vieille.png) ![b](assets/fiche.pdf) [c](assets/fiche.pdf)\n"
        "[d](quiz.yaml) [e](assets/notes.yaml) ![f](assets/absente.png) [g](../quiz.yaml)",
    )
    sample.edit(
        f"{M}/assignment.yaml", "quelques lignes.", "quelques lignes. ![h](assets/plan.PNG)"
    )
    images = "gif, jpeg, jpg, png, svg, webp"
    assert problems(sample) == [
        f'{M}/assignment.yaml:3: error: image "assets/plan.PNG" not found in the module folder',
        f'{lesson}:17: error: image "assets/fiche.pdf" has type "pdf", not allowed for an image '
        f"(allowed: {images})",
        f'{lesson}:17: error: image "images/vieille.png" is not in the module\'s assets/ folder',
        f'{lesson}:18: error: image "assets/absente.png" not found in the module folder',
        f'{lesson}:18: error: link "../quiz.yaml" is not in the module\'s assets/ folder',
        f'{lesson}:18: error: link "assets/notes.yaml" has type "yaml", not allowed for a link '
        "(allowed: docx, gif, jpeg, jpg, mp3, mp4, odt, pdf, png, svg, webp)",
        f'{lesson}:18: error: link "quiz.yaml" is not in the module\'s assets/ folder',
    ]


def test_lesson_front_matter_and_duplicate_sections(sample):
    sample.write(f"{M}/lessons/02-sans-en-tete.md", "# Pas d'en-tête\n")
    sample.edit(f"{M}/lessons/01-premiere-lecon.md", "- un point", "## Une section\n- un point")
    assert problems(sample) == [
        f'{M}/lessons/01-premiere-lecon.md:14: error: duplicate section anchor "une-section" '
        "(also on line 9)",
        f"{M}/lessons/02-sans-en-tete.md:1: error: missing front matter "
        "(the file must start with ---)",
    ]


def test_cli_check(sample, cli):
    result = cli("content", "check", "--path", str(sample.root))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 modules OK"
    sample.edit(f"{M}/module.yaml", "quiz: 50", "quiz: 40")
    result = cli("content", "check", "--path", str(sample.root))
    assert result.exit_code == 1
    assert f"{M}/module.yaml:14: error: weighting quiz + assignment must sum to 100 (got 90)" in (
        result.output.splitlines()
    )
