"""Accessibility (RGAA 4.1 / WCAG 2.1 AA): axe-core on each page, and a keyboard-only journey."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import DemoServer

BLOCKING = {"serious", "critical"}


def axe_violations(target) -> list[str]:
    """Serious or critical axe-core violations of a page or frame (WCAG 2.x A/AA rules)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    results = Axe().run(target, options=options)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING
    ]


def open_tool(page, server: DemoServer):
    page.goto(f"{server.platform_origin}/sandbox/")
    frame = page.frame(name="tool-frame")
    assert frame is not None
    frame.wait_for_url(f"{server.tool_origin}/learn/**")
    return frame


def focused(frame) -> dict:
    return frame.evaluate(
        """() => { const e = document.activeElement;
          return {tag: e.tagName, text: (e.textContent || '').trim(), href: e.getAttribute('href'),
                  outline: getComputedStyle(e).outlineStyle}; }"""
    )


def tab_to(frame, page, predicate, limit: int = 40) -> dict:
    """Press Tab until the focused element matches; fail when it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(frame)
        if predicate(now):
            return now
    raise AssertionError("never reached the expected element with the keyboard")


@pytest.mark.browser
def test_pages_have_no_serious_violations(page, demo_server, screenshot_dir: Path):
    problems: dict[str, list[str]] = {}
    page.goto(f"{demo_server.platform_origin}/sandbox/")
    problems["sandbox course"] = axe_violations(page)
    frame = open_tool(page, demo_server)
    frame.wait_for_url("**/learn/progress**")
    problems["learner home"] = axe_violations(frame)
    tool = page.frame_locator("#tool-frame")
    # The module link of the progress table (the "Continuer" link above it opens a lesson).
    tool.locator("main table a[href*='/learn/m/']").first.click()
    frame.wait_for_url("**/learn/m/*/")
    problems["module"] = axe_violations(frame)
    lessons = tool.locator("main a[href*='/lessons/']")
    if lessons.count():
        lessons.first.click()
        frame.wait_for_url("**/lessons/**")
        problems["lesson"] = axe_violations(frame)
    for path in ("/learn/self-assessment/start", "/learn/self-assessment/", "/learn/glossary",
                 "/accessibilite", "/", "/learn/does-not-exist"):  # fmt: skip
        shown = frame.goto(f"{demo_server.tool_origin}{path}")
        if path.startswith(("/learn/self-assessment", "/learn/glossary")):
            assert shown is not None and shown.status == 200, path
        problems[path] = axe_violations(frame)
    page.goto(f"{demo_server.tool_origin}/lti/launch/storage")  # 405 error page, top level
    problems["error page"] = axe_violations(page)
    assert not any(problems.values()), problems


@pytest.mark.browser
def test_learner_keyboard_only_journey(page, demo_server, screenshot_dir: Path):
    frame = open_tool(page, demo_server)
    frame.locator("body").evaluate("b => b.focus()")
    skip = tab_to(frame, page, lambda f: f["href"] == "#main")
    assert skip["outline"] != "none"  # a visible focus indicator
    link = tab_to(frame, page, lambda f: "/learn/m/" in (f["href"] or ""))
    assert link["outline"] != "none"
    page.keyboard.press("Enter")
    frame.wait_for_url("**/learn/m/**")
    heading = frame.locator("h1").inner_text()
    assert heading
    tab_to(frame, page, lambda f: "/lessons/" in (f["href"] or ""))
    page.keyboard.press("Enter")
    frame.wait_for_url("**/lessons/**")
    assert frame.locator("h1").inner_text()
    page.screenshot(path=str(screenshot_dir / "keyboard-journey.png"), full_page=True)


@pytest.mark.browser
def test_accessibility_statement(page, demo_server):
    page.goto(f"{demo_server.tool_origin}/accessibilite")
    text = page.locator("main").inner_text()
    for expected in ("RGAA", "partiellement conforme", "Défenseur des droits", "Technologies",
                     "Environnement de test", "Contenus non accessibles"):  # fmt: skip
        assert expected in text, expected
