"""A learner's whole journey in the sandbox's cross-origin iframe, in a real Chromium.

Launch on the first module with a quiz and an assignment, read a lesson, fail the quiz (review
with feedback linking back to the lesson), pass it on a second attempt answered with the
keyboard only, then write the assignment (autosaved draft survives a reload) and hand it in.
axe-core (axe-playwright-python, shipped inside the wheel) checks the module, lesson, attempt,
review and assignment pages when it is installed: no serious or critical violation.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest

from catalyst_training.content.loader import find_module, load_programme
from catalyst_training.learning.questions import REGISTRY

from .conftest import DemoServer

HAS_AXE = importlib.util.find_spec("axe_playwright_python") is not None
BLOCKING_IMPACTS = ("serious", "critical")
DRAFT = "Mon territoire : la vallée, ses communes et trois entreprises prêtes à agir."
ACTIVE = """() => {
  const el = document.activeElement;
  return {
    id: el.id || '', tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '',
    checked: !!el.checked, value: el.value || '', text: (el.textContent || '').trim(),
    inQuiz: !!el.closest('form.quiz-form'),
    options: el.tagName === 'SELECT' ? Array.from(el.options).map(o => o.value) : [],
    selected: el.tagName === 'SELECT' ? el.selectedIndex : -1,
  };
}"""


def _journey_module(server: DemoServer):
    """The first module of the real programme that has both a quiz and an assignment."""
    root = server.app.config["CONTENT_PATH"]
    first = next((m for m in load_programme(root) if m.quiz and m.assignment), None)
    assert first is not None, "no module with a quiz and an assignment in the programme"
    module = find_module(root, first.slug)
    assert module is not None
    return module


def _right_fields(quiz) -> dict[str, Any]:
    """What to do per input id to answer every question correctly.

    Values: True (tick this radio / checkbox), a str (type it / select this option value).
    """
    fields: dict[str, Any] = {}
    for q in quiz.questions:
        qid, answer = q["id"], REGISTRY[q["type"]].correct_answer(q)
        if q["type"] == "single":
            fields[f"q-{qid}-{answer}"] = True
        elif q["type"] == "multiple":
            fields.update({f"q-{qid}-{cid}": True for cid in answer})
        elif q["type"] == "truefalse":
            fields[f"q-{qid}-{'true' if answer else 'false'}"] = True
        elif q["type"] == "short_text":
            fields[f"q-{qid}-input"] = answer
        elif q["type"] == "ordering":
            fields.update({f"q-{qid}-{i}": str(p) for i, p in answer["positions"].items()})
        elif q["type"] == "matching":
            fields.update({f"q-{qid}-{left}": r for left, r in answer["matches"].items()})
    return fields


def _wrong_fields(quiz) -> dict[str, Any]:
    """Wrong answers to the questions where one is easy to give (the others left blank)."""
    fields: dict[str, Any] = {}
    for q in quiz.questions:
        qid = q["id"]
        if q["type"] in ("single", "multiple"):
            wrong = next(c for c in q["choices"] if not c.get("correct"))
            fields[f"q-{qid}-{wrong['id']}"] = True
        elif q["type"] == "truefalse":
            fields[f"q-{qid}-{'false' if q['answer'] else 'true'}"] = True
        elif q["type"] == "short_text":
            fields[f"q-{qid}-input"] = "aucune idée"
    return fields


def _fill_with_pointer(tool, fields: dict[str, Any]) -> None:
    for input_id, value in fields.items():
        field = tool.locator(f"#{input_id}")
        if value is True:
            field.check()
        elif field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def _answer_with_keyboard(frame, fields: dict[str, Any]) -> int:
    """Tab through the quiz form answering each field from the keyboard; returns keys pressed.

    Radios: Tab enters the group, arrow keys move (and check), Space checks the first one.
    Checkboxes: Space. Text: typed. Selects (ordering, matching): ArrowDown on the closed list.
    """
    kb = frame.page.keyboard
    presses = 0

    def press(key: str) -> dict[str, Any]:
        nonlocal presses
        kb.press(key)
        presses += 1
        return frame.evaluate(ACTIVE)

    frame.locator("h1").click()  # the pointer only puts the caret at the top of the page
    el = press("Tab")
    while not el["inQuiz"]:
        assert presses < 40, f"never reached the quiz form by Tab: {el}"
        el = press("Tab")
    while el["inQuiz"] and el["tag"] != "button":
        name = el["name"]
        if el["type"] == "radio":
            target = next(k for k in fields if k.startswith(f"{name}-") and fields[k] is True)
            if el["id"] == target:
                el = press("Space")
            for _ in range(10):
                if el["id"] == target:
                    break
                el = press("ArrowDown")
            assert el["id"] == target and el["checked"], el
        elif el["type"] == "checkbox":
            if fields.get(el["id"]) is True and not el["checked"]:
                el = press("Space")
                assert el["checked"], el
        elif el["type"] == "text":
            kb.type(fields[el["id"]])
            presses += 1
        elif el["tag"] == "select":
            target_index = el["options"].index(fields[el["id"]])
            for _ in range(target_index - el["selected"]):
                el = press("ArrowDown")
            assert el["value"] == fields[el["id"]], el
        el = press("Tab")
        assert presses < 200, "keyboard walk does not end"
    # The first button is "save", the next one hands the attempt in.
    assert el["tag"] == "button" and el["value"] == "save", el
    el = press("Tab")
    assert el["value"] == "finish", el
    kb.press("Enter")  # to the summary page
    presses += 1
    frame.wait_for_url("**/summary")
    frame.locator("h1").click()
    el = press("Tab")
    while el["text"] != "Tout remettre et terminer":
        assert presses < 260, f"never reached the final submit button by Tab: {el}"
        el = press("Tab")
    kb.press("Enter")  # navigates: no evaluate after it
    return presses + 1


@pytest.fixture
def axe_check(screenshot_dir: Path):
    """Run axe-core in a frame; collect serious/critical violations per page."""
    found: dict[str, list[str]] = {}
    others: dict[str, list[str]] = {}
    if not HAS_AXE:

        def skip(frame, label: str) -> None:
            return None

        yield skip
        return
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(frame, label: str) -> None:
        results = axe.run(frame)
        # axe really ran on the tool's page inside the frame, and checked something.
        assert results.response["url"] == frame.url, results.response["url"]
        assert results.response["passes"], f"axe checked nothing on {label}"
        blocking = [
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            for v in results.response["violations"]
            if v.get("impact") in BLOCKING_IMPACTS
        ]
        found[label] = blocking
        others[label] = sorted(
            f"{v['id']} ({v.get('impact')})" for v in results.response["violations"]
        )

    yield check
    report = screenshot_dir / "learner" / "axe.txt"
    report.write_text(
        "\n".join(
            f"{label}: {len(v)} serious/critical {v}; all violations: {others[label]}"
            for label, v in found.items()
        )
        + "\n"
    )
    failures = {label: v for label, v in found.items() if v}
    assert not failures, failures


@pytest.mark.browser
def test_learner_journey_in_the_iframe(page, demo_server, screenshot_dir: Path, axe_check):
    from playwright.sync_api import expect

    shots = screenshot_dir / "learner"
    shots.mkdir(exist_ok=True)
    step = iter(range(1, 100))

    def shot(name: str) -> None:
        page.screenshot(path=str(shots / f"{next(step):02d}-{name}.png"), full_page=True)

    module = _journey_module(demo_server)
    page.goto(f"{demo_server.platform_origin}/sandbox/")
    frame = page.frame(name="tool-frame")
    assert frame is not None
    frame.wait_for_url(f"{demo_server.tool_origin}/learn/**")
    tool = page.frame_locator("#tool-frame")

    # Launch on the module: from the platform page, keyboard only.
    page.locator("#learner-module").focus()
    page.select_option("#learner-module", label=module.title)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(tool.get_by_role("heading", level=1, name=module.title)).to_be_visible()
    shot("module")
    axe_check(frame, "module")

    # Read the first lesson (link followed with Enter).
    lesson = module.lessons[0]
    tool.get_by_role("link", name=lesson.title, exact=True).focus()
    page.keyboard.press("Enter")
    expect(tool.get_by_role("heading", level=1, name=lesson.title)).to_be_visible()
    shot("lesson")
    axe_check(frame, "lesson")

    # Quiz: first attempt answered wrongly.
    tool.get_by_role("link", name=module.title).first.click()
    tool.get_by_role("link", name="Aller au quiz").click()
    expect(tool.get_by_role("heading", level=1, name=module.quiz.title)).to_be_visible()
    shot("quiz")
    tool.get_by_role("button", name="Commencer le quiz").click()
    expect(tool.locator("fieldset.question")).to_have_count(len(module.quiz.questions))
    shot("attempt-1")
    axe_check(frame, "attempt")
    _fill_with_pointer(tool, _wrong_fields(module.quiz))
    tool.get_by_role("button", name="Terminer la tentative…").click()
    # The summary lists the questions left blank; handing in asks for a confirmation first.
    expect(tool.get_by_role("heading", level=1, name="Récapitulatif avant remise")).to_be_visible()
    blank = sum(1 for q in module.quiz.questions if q["type"] in ("ordering", "matching"))
    expect(tool.locator(".attempt-summary > li")).to_have_count(len(module.quiz.questions))
    expect(tool.locator(".attempt-summary .summary-unanswered")).to_have_count(blank)
    shot("attempt-summary")
    axe_check(frame, "attempt summary")
    if blank:
        confirm = tool.get_by_label("Je remets ma tentative", exact=False)
        tool.get_by_role("button", name="Tout remettre et terminer").click()  # no confirmation
        assert confirm.evaluate("e => e.matches(':invalid')")  # the browser holds the form
        assert frame.url.endswith("/summary")
        confirm.check()
    tool.get_by_role("button", name="Tout remettre et terminer").click()
    expect(tool.get_by_role("heading", level=1, name=re.compile("Résultat"))).to_be_visible()
    expect(tool.locator(".score")).to_contain_text("non atteint")
    review_link = tool.locator(".feedback a", has_text="Revoir la leçon").first
    expect(review_link).to_be_visible()
    assert "/lessons/" in (review_link.get_attribute("href") or "")
    shot("review-failed")
    axe_check(frame, "review")

    # Second attempt, answered from the keyboard only.
    tool.get_by_role("link", name="Retour au quiz").click()
    tool.get_by_role("button", name="Nouvelle tentative").click()
    expect(tool.get_by_role("heading", level=1, name=module.quiz.title)).to_be_visible()
    expect(tool.locator("fieldset.question")).to_have_count(len(module.quiz.questions))
    presses = _answer_with_keyboard(frame, _right_fields(module.quiz))
    expect(tool.get_by_role("heading", level=1, name=re.compile("Résultat"))).to_be_visible()
    expect(tool.locator(".score")).to_contain_text("Quiz réussi")
    expect(tool.locator(".score")).to_contain_text("100 %")
    assert presses > len(module.quiz.questions)
    shot("review-passed")

    # Assignment: a draft autosaved, kept across a reload, then handed in.
    tool.get_by_role("link", name="Retour au module").click()
    tool.get_by_role("link", name="Ouvrir le travail").click()
    expect(tool.get_by_role("heading", level=1, name=module.assignment.title)).to_be_visible()
    axe_check(frame, "assignment")
    text = tool.get_by_role("textbox", name="Votre réponse")
    text.focus()
    page.keyboard.type(DRAFT)
    status = tool.get_by_role("status").filter(has_text="Brouillon enregistré")
    expect(status).to_be_visible()
    shot("assignment-autosaved")
    frame.goto(frame.url)
    expect(tool.get_by_role("textbox", name="Votre réponse")).to_have_value(DRAFT)
    shot("assignment-reloaded")
    tool.get_by_role("button", name="Remettre mon travail").focus()
    page.keyboard.press("Enter")
    expect(tool.get_by_role("status").filter(has_text="travail est remis")).to_be_visible()
    expect(tool.locator(".badge", has_text="Remis").first).to_be_visible()
    expect(tool.get_by_role("textbox", name="Votre réponse")).to_have_count(0)
    shot("assignment-submitted")
