"""A refused launch names what it received and what is registered, with a hint for known cases."""

from __future__ import annotations

import logging

from tests.platform import TestPlatform

DEPLOYMENT = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"


def test_a_leftover_lti11_resource_key_as_aud_is_named_with_a_hint(platform, cli, caplog):
    added = cli(
        "platform", "add-lti11", "--name", "Moodle (LTI 1.1)", "--consumer-key", "res-key-42",
        input="s3cret\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    with caplog.at_level(logging.WARNING):
        result = platform.launch(
            TestPlatform.session(),
            "learner",
            extra_claims={"aud": "res-key-42", "azp": "res-key-42"},
        )
    page = result.response.text
    assert result.response.status_code == 400 and "(unknown_platform)" in page
    assert "aud=&#39;res-key-42&#39;" in page  # what was received
    assert f"client_id=&#39;{platform.client_id}&#39;" in page  # what is registered
    assert "ancienne clé LTI 1.1" in page
    assert "res-key-42" in caplog.text and platform.client_id in caplog.text


def test_an_audience_that_is_not_ours_names_both_sides(platform):
    result = platform.launch(TestPlatform.session(), "learner", extra_claims={"aud": "other"})
    page = result.response.text
    assert result.response.status_code == 401 and "(bad_audience)" in page
    assert "aud=&#39;other&#39;" in page and f"client_id=&#39;{platform.client_id}&#39;" in page


def test_a_deployment_added_on_the_platform_only_is_named_then_registered(platform, cli):
    session = TestPlatform.session()
    result = platform.launch(session, "learner", extra_claims={DEPLOYMENT: "new-deployment"})
    page = result.response.text
    assert result.response.status_code == 403 and "(unknown_deployment)" in page
    assert "deployment_id=&#39;new-deployment&#39;" in page
    assert "platform add-deployment" in page and "new-deployment" in page
    added = cli("platform", "add-deployment", platform.issuer, "new-deployment",
                "--client-id", platform.client_id)  # fmt: skip
    assert added.exit_code == 0, added.output
    again = platform.launch(session, "learner", extra_claims={DEPLOYMENT: "new-deployment"})
    assert again.response.status_code == 303
