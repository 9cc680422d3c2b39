"""Phones: every learner page, framed by the sandbox course page at 360 px, has no page-level
horizontal scrolling (wide content wraps, stacks, or scrolls inside its own container)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import DemoServer

pytestmark = pytest.mark.browser
WIDTH = 360
# The page scrolls sideways when its content is wider than its viewport; a table that scrolls
# inside its own container does not count (its container is no wider than the page).
OVERFLOW = """() => {
  const d = document.documentElement;
  const wide = Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getBoundingClientRect().right > d.clientWidth + 1 && !e.closest('.table-scroll'))
    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
  return {scroll: d.scrollWidth, client: d.clientWidth, wide};
}"""


def _overflow(target) -> dict | None:
    """None when the page fits its viewport; else what is wider."""
    found = target.evaluate(OVERFLOW)
    return None if found["scroll"] <= found["client"] else found


@pytest.fixture
def phone(browser):
    """A phone-sized context (360 x 740), French UI."""
    context = browser.new_context(
        locale="fr-FR",
        viewport={"width": WIDTH, "height": 740},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def test_learner_pages_fit_a_phone(phone, demo_server: DemoServer, screenshot_dir: Path):
    page = phone
    problems: dict[str, dict] = {}
    page.goto(f"{demo_server.platform_origin}/sandbox/")
    frame = page.frame(name="tool-frame")
    assert frame is not None
    frame.wait_for_url(f"{demo_server.tool_origin}/learn/**")
    frame.wait_for_load_state()

    def check(label: str) -> None:
        frame.wait_for_load_state()
        found = _overflow(frame)
        if found:
            problems[label] = found
        page.locator("#tool-frame").screenshot(path=str(screenshot_dir / f"phone-{label}.png"))

    def follow(link) -> None:
        # The links' targets are what matters here, not pointer hits in a tiny frame.
        frame.goto(demo_server.tool_origin + link.get_attribute("href"))

    sandbox = _overflow(page)
    if sandbox:
        problems["sandbox course page"] = sandbox
    tool = page.frame_locator("#tool-frame")
    frame.goto(f"{demo_server.tool_origin}/learn/progress")
    check("progress")
    follow(tool.locator("main table a[href*='/learn/m/']").first)
    check("module")
    module_url = frame.url
    follow(tool.locator("main a[href*='/lessons/']").first)
    check("lesson")
    frame.goto(module_url)
    follow(tool.get_by_role("link", name="Aller au quiz"))
    check("quiz")
    tool.get_by_role("button", name="Commencer le quiz").click()
    frame.wait_for_url("**/attempts/**")
    check("attempt")
    tool.get_by_role("button", name="Terminer la tentative…").click()
    frame.wait_for_url("**/summary")
    check("attempt summary")
    tool.get_by_label("Je remets ma tentative", exact=False).check()
    tool.get_by_role("button", name="Tout remettre et terminer").click()
    frame.wait_for_url("**/review")
    check("attempt review")
    frame.goto(module_url.rstrip("/") + "/assignment")
    check("assignment")
    frame.goto(f"{demo_server.tool_origin}/accessibilite")
    check("accessibility statement")
    assert not problems, problems
