"""The tool inside a cross-site iframe when the browser restricts third-party cookies.

Chromium 156 already blocks unpartitioned third-party cookies in these runs (checked below), and
``--test-third-party-cookie-phaseout`` makes that explicit; partitioned (CHIPS) cookies stay
allowed. To block the tool's cookies entirely when framed by the platform (while a top-level
window of the tool keeps them), the profile carries a cookie content-setting exception
(primary pattern: the tool's origin, secondary: the platform's).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import CHROMIUM_ARGS, DemoServer

PROBE = """() => {
  document.cookie = 'probe=1; SameSite=None; Secure; path=/';
  document.cookie = 'pprobe=1; SameSite=None; Secure; Partitioned; path=/';
  return document.cookie;
}"""
ME = """async () => {
  const token = document.querySelector('meta[name=catalyst-launch-token]');
  const headers = token ? {'X-Launch-Token': token.content} : {};
  const r = await fetch('/api/me', {headers});
  return {status: r.status, body: await r.json()};
}"""


@pytest.fixture(scope="module")
def playwright_driver(chromium_path: str) -> Iterator:
    """The Playwright driver (browsers are started per test: each needs its own profile)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture
def shots(screenshot_dir: Path) -> Path:
    """test-output/e2e/cookies/."""
    folder = screenshot_dir / "cookies"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_browser(pw, chromium_path: str, profile: Path, server: DemoServer, *, block: bool):
    """A persistent context; with block=True the tool gets no cookie when framed."""
    prefs: dict = {}
    if block:
        pattern = f"{server.tool_origin},{server.platform_origin}"
        prefs = {"profile": {"content_settings": {"exceptions": {"cookies": {
            pattern: {"setting": 2}}}}}}  # fmt: skip
    (profile / "Default").mkdir(parents=True, exist_ok=True)
    (profile / "Default" / "Preferences").write_text(json.dumps(prefs))
    context = pw.chromium.launch_persistent_context(
        str(profile),
        executable_path=chromium_path,
        args=[*CHROMIUM_ARGS, "--test-third-party-cookie-phaseout"],
        locale="fr-FR",
        viewport={"width": 1280, "height": 1400},
    )
    context.set_default_timeout(15_000)
    return context


def tool_frame(page):
    frame = page.frame(name="tool-frame")
    assert frame is not None
    return frame


@pytest.mark.browser
def test_partitioned_cookies_carry_the_launch(
    playwright_driver, chromium_path, demo_server, tmp_path, shots
):
    context = open_browser(playwright_driver, chromium_path, tmp_path, demo_server, block=False)
    try:
        page = context.new_page()
        page.goto(f"{demo_server.platform_origin}/sandbox/")
        frame = tool_frame(page)
        frame.wait_for_url(f"{demo_server.tool_origin}/learn/**")
        # Unpartitioned third-party cookies are refused, partitioned ones accepted.
        assert frame.evaluate(PROBE) == "pprobe=1"
        me = frame.evaluate(ME)
        assert me["status"] == 200 and me["body"]["role"] == "learner"
        session = [c for c in context.cookies(demo_server.tool_origin)
                   if c["name"] == "catalyst_session" and c["domain"] == "localhost"]  # fmt: skip
        assert session and all(c.get("partitionKey") for c in session), session
        page.screenshot(path=str(shots / "partitioned.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.browser
def test_platform_storage_when_cookies_are_blocked(
    playwright_driver, chromium_path, demo_server, tmp_path, shots
):
    from playwright.sync_api import expect

    context = open_browser(playwright_driver, chromium_path, tmp_path, demo_server, block=True)
    try:
        page = context.new_page()
        page.goto(f"{demo_server.platform_origin}/sandbox/?storage=1")
        frame = tool_frame(page)
        frame.wait_for_url(f"{demo_server.tool_origin}/learn/**lt=*")
        assert frame.evaluate("document.cookie") == ""
        me = frame.evaluate(ME)
        assert me["status"] == 200, me
        assert me["body"]["sub"] == "sandbox-learner"
        # Navigation inside the tool keeps the launch token.
        tool = page.frame_locator("#tool-frame")
        tool.locator("main a").first.click()
        frame.wait_for_url("**lt=*")
        expect(tool.get_by_role("heading", level=1)).to_be_visible()
        assert frame.evaluate(ME)["status"] == 200
        assert not [c for c in context.cookies(demo_server.tool_origin)
                    if c["domain"] == "localhost"]  # fmt: skip
        page.screenshot(path=str(shots / "platform-storage.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.browser
def test_nothing_available_offers_a_new_window(
    playwright_driver, chromium_path, demo_server, tmp_path, shots
):
    from playwright.sync_api import expect

    context = open_browser(playwright_driver, chromium_path, tmp_path, demo_server, block=True)
    try:
        page = context.new_page()
        page.goto(f"{demo_server.platform_origin}/sandbox/")
        tool = page.frame_locator("#tool-frame")
        link = tool.get_by_role("link", name="Ouvrir l'outil dans une nouvelle fenêtre")
        expect(link).to_be_visible()
        assert link.get_attribute("target") == "_blank"
        page.screenshot(path=str(shots / "new-window-offer.png"), full_page=True)
        with context.expect_page() as popup_info:
            link.click()
        popup = popup_info.value
        popup.wait_for_url(f"{demo_server.tool_origin}/learn/**")
        me = popup.evaluate(ME)
        assert me["status"] == 200 and me["body"]["sub"] == "sandbox-learner"
        popup.screenshot(path=str(shots / "new-window-launched.png"), full_page=True)
    finally:
        context.close()
