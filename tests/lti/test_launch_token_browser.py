"""The page's script keeps using the freshest launch token when no cookie comes back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.lti.test_token_session import launch_token

FETCH_ME = """async () => {
  const r = await fetch('/api/me');
  return {status: r.status, header: r.headers.get('X-Launch-Token')};
}"""
STATE = """() => ({
  meta: document.querySelector('meta[name=catalyst-launch-token]').content,
  url: window.location.href,
  links: Array.from(document.querySelectorAll('a[href*="lt="]')).map(a => a.getAttribute('href')),
  actions: Array.from(document.querySelectorAll('form[action*="lt="]')).map(f => f.action),
})"""


@pytest.mark.browser
def test_script_adopts_the_renewed_token(app, clock, platform, tmp_path: Path):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    token = launch_token(platform, user_id="u-browser")
    profile = tmp_path / "profile"
    (profile / "Default").mkdir(parents=True)
    blocked = {"profile": {"default_content_setting_values": {"cookies": 2}}}
    (profile / "Default" / "Preferences").write_text(json.dumps(blocked))
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            page = context.new_page()
            clock.advance(5)  # the landing answer's token differs from the launch's
            page.goto(f"{platform.tool_base_url}/learn/?lt={token}")
            state = page.evaluate(STATE)
            assert state["meta"] != token
            assert f"lt={state['meta']}" in state["url"]  # the address bar holds the fresh one
            assert not context.cookies(platform.tool_base_url)
            clock.advance(5)
            answer = page.evaluate(FETCH_ME)
            assert answer["status"] == 200 and answer["header"] not in (None, state["meta"])
            state = page.evaluate(STATE)
            fresh = answer["header"]
            assert state["meta"] == fresh and f"lt={fresh}" in state["url"]
            assert state["links"] and all(f"lt={fresh}" in u for u in state["links"])
            assert state["actions"] and all(f"lt={fresh}" in u for u in state["actions"])
            # The page's links now work with the renewed token after the first one expired.
            app.config["LAUNCH_TOKEN_MAX_AGE"] = 8
            clock.advance(6)  # 16 s after the first token, 6 s after the renewed one
            page.locator("main a[href*='lt=']").first.click()
            page.wait_for_load_state()
            assert page.evaluate(FETCH_ME)["status"] == 200
        finally:
            context.close()
