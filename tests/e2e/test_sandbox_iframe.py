"""The demo sandbox platform: the tool launched cross-site in an iframe, in a real Chromium."""

from __future__ import annotations

import stat
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from catalyst_training import create_app
from catalyst_training.content.loader import load_programme

from .conftest import DemoServer

COOKIE_NAME = "catalyst_session"
ME_SCRIPT = """async () => {
  const r = await fetch('/api/me', {credentials: 'same-origin'});
  return {status: r.status, body: await r.json()};
}"""


def _module(server: DemoServer, index: int = 1):
    modules = load_programme(server.app.config["CONTENT_PATH"])
    assert modules, "the programme has no module"
    return modules[min(index, len(modules) - 1)]


def _open_course(page, server: DemoServer):
    """Open the course page and wait for the tool's first (learner, programme) launch."""
    page.goto(f"{server.platform_origin}/sandbox/")
    frame = page.frame(name="tool-frame")
    assert frame is not None
    frame.wait_for_url(f"{server.tool_origin}/learn/**")
    return frame


@pytest.mark.browser
def test_learner_launch_in_cross_site_iframe(page, demo_server, screenshot_dir: Path):
    from playwright.sync_api import expect

    module = _module(demo_server)
    frame = _open_course(page, demo_server)
    tool = page.frame_locator("#tool-frame")
    expect(tool.get_by_role("heading", level=1)).to_be_visible()
    assert page.locator("#tool-frame").get_attribute("title")

    page.select_option("#learner-module", label=module.title)
    page.get_by_role("button", name="Lancer comme apprenant·e").click()
    expect(tool.get_by_role("heading", level=1, name=module.title)).to_be_visible()

    assert urlsplit(page.url).netloc == f"127.0.0.1:{demo_server.port}"
    assert frame.url.startswith(f"{demo_server.tool_origin}/learn/")
    me = frame.evaluate(ME_SCRIPT)
    assert me["status"] == 200, me
    assert me["body"]["role"] == "learner"
    assert me["body"]["module"] == module.slug
    assert me["body"]["sub"] == "sandbox-learner"
    assert me["body"]["context"] == "sandbox-course"

    # The session lives in the iframe's cross-site context: Secure, SameSite=None (CHIPS).
    cookies = [
        c
        for c in page.context.cookies(demo_server.tool_origin)
        if c["name"] == COOKIE_NAME and c["domain"] == "localhost"
    ]
    assert cookies, page.context.cookies()
    assert all(c["secure"] and c["sameSite"] == "None" for c in cookies), cookies
    page.screenshot(path=str(screenshot_dir / "sandbox-learner-module.png"), full_page=True)


@pytest.mark.browser
def test_deep_linking_returns_chosen_module(page, demo_server, screenshot_dir: Path):
    from playwright.sync_api import expect

    module = _module(demo_server, 2)
    _open_course(page, demo_server)
    tool = page.frame_locator("#tool-frame")

    page.get_by_role("button", name="Ajouter des modules au cours").click()
    picker = tool.get_by_role("heading", level=1, name="Ajouter des modules au cours")
    expect(picker).to_be_visible()
    tool.locator(f"#mod-{module.slug}").check()
    page.screenshot(path=str(screenshot_dir / "sandbox-deep-linking-picker.png"), full_page=True)
    tool.get_by_role("button", name="Ajouter au cours").click()

    expect(tool.get_by_role("heading", level=1, name="Contenus ajoutés au cours")).to_be_visible()
    frame = page.frame(name="tool-frame")
    assert frame is not None
    assert frame.url == f"{demo_server.platform_origin}/sandbox/deep-link-return"
    rows = tool.locator("#deep-link-items tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td").first).to_have_text(module.title)
    expect(rows.first.locator(".module-slug")).to_have_text(module.slug)
    page.screenshot(path=str(screenshot_dir / "sandbox-deep-linking-return.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.parametrize(
    ("button", "role", "landing"),
    [
        ("Lancer comme mentor", "mentor", "/mentor/"),
        ("Lancer comme coordinateur·rice", "coordinator", "/console/"),
    ],
)
def test_staff_launches_get_their_role(page, demo_server, button: str, role: str, landing: str):
    from playwright.sync_api import expect

    frame = _open_course(page, demo_server)
    page.get_by_role("button", name=button).click()
    frame.wait_for_url(f"{demo_server.tool_origin}{landing}**")
    expect(page.frame_locator("#tool-frame").get_by_role("heading", level=1)).to_be_visible()
    me = frame.evaluate(ME_SCRIPT)
    assert me["status"] == 200, me
    assert me["body"]["role"] == role
    assert me["body"]["sub"] == f"sandbox-{role}"


# --- the sandbox without a browser ------------------------------------------------------------


def test_no_sandbox_without_demo(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True})
    assert not [r for r in app.url_map.iter_rules() if r.rule.startswith("/sandbox")]
    client = app.test_client()
    for path in ("/sandbox/", "/sandbox/jwks.json", "/sandbox/auth"):
        assert client.get(path).status_code == 404


def test_sandbox_key_is_private_and_published(demo_server):
    key_file = Path(demo_server.app.instance_path) / "sandbox_platform_key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    client = demo_server.app.test_client()
    keys = client.get("/sandbox/jwks.json").get_json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kid"] and keys[0]["alg"] == "RS256"
    assert "d" not in keys[0]


def test_register_sandbox_is_idempotent_and_follows_the_port(demo_server):
    from catalyst_training.lti.registry import list_platforms
    from catalyst_training.sandbox.services import ISSUER, register_sandbox

    app = demo_server.app
    with app.app_context():
        register_sandbox("http://127.0.0.1:1")
        register_sandbox(demo_server.platform_origin)
        sandboxes = [p for p in list_platforms() if p.issuer == ISSUER]
        assert len(sandboxes) == 1
        assert sandboxes[0].auth_login_url == f"{demo_server.platform_origin}/sandbox/auth"
        assert [d.deployment_id for d in sandboxes[0].deployments] == ["sandbox-deployment"]
    assert "http://localhost:1" not in app.config["EXTRA_FRAME_ANCESTORS"]
    assert demo_server.tool_origin in app.config["EXTRA_FRAME_ANCESTORS"]


def _auth_params(server: DemoServer, **overrides: str) -> dict[str, str]:
    client = server.app.test_client()
    html = client.get("/sandbox/", base_url=server.platform_origin).get_data(as_text=True)
    start = html.index('src="') + len('src="')
    src = html[start : html.index('"', start)].replace("&amp;", "&")
    login = {k: v[0] for k, v in parse_qs(urlsplit(src).query).items()}
    assert urlsplit(src).netloc == f"localhost:{server.port}"
    params = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": login["client_id"],
        "redirect_uri": login["target_link_uri"],
        "state": "state-1",
        "nonce": "nonce-1",
        "login_hint": login["login_hint"],
        "lti_message_hint": login["lti_message_hint"],
    }
    params.update(overrides)
    return params


def test_auth_answers_with_a_signed_launch_form(demo_server):
    import jwt

    client = demo_server.app.test_client()
    params = _auth_params(demo_server)
    resp = client.get(f"/sandbox/auth?{urlencode(params)}", base_url=demo_server.platform_origin)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert f'action="{params["redirect_uri"]}"' in html
    assert "data-autosubmit" in html
    token = html.split('name="id_token" value="', 1)[1].split('"', 1)[0]
    claims = jwt.decode(token, options={"verify_signature": False})
    lti = "https://purl.imsglobal.org/spec/lti/claim/"
    assert claims["aud"] == "catalyst-sandbox"
    assert claims["nonce"] == "nonce-1"
    assert claims[lti + "message_type"] == "LtiResourceLinkRequest"
    assert claims[lti + "target_link_uri"] == params["redirect_uri"]
    assert claims[lti + "resource_link"]["id"] == "sandbox-programme"
    assert claims[lti + "launch_presentation"]["document_target"] == "iframe"
    assert jwt.get_unverified_header(token)["kid"]


@pytest.mark.parametrize(
    "override",
    [
        {"client_id": "someone-else"},
        {"redirect_uri": "https://evil.example/lti/launch"},
        {"redirect_uri": "http://localhost:1/elsewhere"},
        {"response_type": "code"},
        {"scope": "profile"},
        {"nonce": ""},
        {"lti_message_hint": "forged"},
        {"login_hint": "sandbox-coordinator"},
    ],
)
def test_auth_rejects_bad_requests(demo_server, override):
    client = demo_server.app.test_client()
    params = _auth_params(demo_server, **override)
    resp = client.get(f"/sandbox/auth?{urlencode(params)}", base_url=demo_server.platform_origin)
    assert resp.status_code == 400


def test_deep_link_return_rejects_unsigned_tokens(demo_server):
    import jwt

    client = demo_server.app.test_client()
    forged = jwt.encode({"iss": "catalyst-sandbox"}, "x" * 32, algorithm="HS256")
    resp = client.post(
        "/sandbox/deep-link-return", data={"JWT": forged}, base_url=demo_server.platform_origin
    )
    assert resp.status_code == 400
