"""Deep Linking 2.0 round trips, validated by lti1p3platform (signature, data echo, types)."""

import re

from tests.platform import TestPlatform, find_form

LTI_LINK = "ltiResourceLink"


def open_picker(platform, session, **options):
    result = platform.launch(session, "mentor", message_type="deep_link", **options)
    assert result.response.status_code == 303, result.response.text
    picker = session.get(platform.tool_base_url + result.response.headers["Location"], timeout=5)
    return result, picker


def csrf(page):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)


def test_pick_several_modules(platform):
    session = TestPlatform.session()
    _, picker = open_picker(platform, session, dl_data="opaque-123")
    assert picker.status_code == 200
    assert "Module d" in picker.text
    resp = session.post(
        picker.url,
        data={"csrf_token": csrf(picker), "modules": ["module-exemple"]},
        timeout=5,
    )
    assert resp.status_code == 200, resp.text
    items = platform.submit_deep_link_response(session, resp)
    assert len(items) == 1
    item = items[0]
    assert item["type"] == LTI_LINK
    assert item["custom"] == {"module": "module-exemple"}
    assert item["url"].endswith("/lti/launch")
    assert item["lineItem"]["scoreMaximum"] == 100
    assert item["lineItem"]["resourceId"] == "module-exemple"
    assert item["lineItem"]["tag"] == "catalyst-module"
    assert (
        platform.deep_link_responses[-1]["https://purl.imsglobal.org/spec/lti-dl/claim/data"]
        == "opaque-123"
    )


def test_single_choice_when_multiple_not_accepted(platform):
    session = TestPlatform.session()
    _, picker = open_picker(platform, session, accept_multiple=False)
    assert 'type="radio"' in picker.text and 'type="checkbox"' not in picker.text
    resp = session.post(picker.url, data={"csrf_token": csrf(picker),
                                          "module": "module-exemple"})  # fmt: skip
    items = platform.submit_deep_link_response(session, resp)
    assert [i["custom"]["module"] for i in items] == ["module-exemple"]


def test_nothing_chosen_is_a_clear_error_and_keeps_the_request(platform):
    session = TestPlatform.session()
    _, picker = open_picker(platform, session)
    resp = session.post(picker.url, data={"csrf_token": csrf(picker)})
    assert resp.status_code == 200
    assert 'role="alert"' in resp.text
    assert find_form(resp.text, "JWT") is None
    retry = session.post(picker.url, data={"csrf_token": csrf(resp), "modules": ["module-exemple"]})
    assert len(platform.submit_deep_link_response(session, retry)) == 1


def test_unknown_module_is_refused(platform):
    session = TestPlatform.session()
    _, picker = open_picker(platform, session)
    resp = session.post(picker.url, data={"csrf_token": csrf(picker), "modules": ["nope"]})
    assert find_form(resp.text, "JWT") is None


def test_post_without_csrf_is_refused(platform):
    session = TestPlatform.session()
    _, picker = open_picker(platform, session)
    resp = session.post(picker.url, data={"modules": ["module-exemple"]})
    assert resp.status_code == 400


def test_platform_that_accepts_no_lti_links(platform):
    session = TestPlatform.session()
    result = platform.launch(session, "mentor", message_type="deep_link", accept_types=["link"])
    assert result.response.status_code == 400
    assert "ltiResourceLink" in result.response.text
    assert "(deep_link_types)" in result.response.text


def test_learner_cannot_deep_link(platform):
    session = TestPlatform.session()
    result = platform.launch(session, "learner", message_type="deep_link")
    assert result.response.status_code == 403
    assert session.get(platform.tool_base_url + "/api/me").status_code == 401
