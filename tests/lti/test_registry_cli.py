"""`platform add | list | remove` and `keys rotate`."""

import json

from catalyst_training.lti import keys
from catalyst_training.lti.models import Platform

ARGS = [
    "--issuer", "https://lms.example.org",
    "--client-id", "client-1",
    "--auth-login-url", "https://lms.example.org/auth",
    "--auth-token-url", "https://lms.example.org/token",
    "--key-set-url", "https://lms.example.org/jwks",
    "--deployment-id", "d1",
    "--deployment-id", "d2",
    "--name", "Moodle test",
]  # fmt: skip


def test_add_list_remove(cli):
    result = cli("platform", "add", *ARGS)
    assert result.exit_code == 0, result.output
    listed = json.loads(cli("platform", "list", "--json").output)
    assert len(listed) == 1
    assert listed[0]["issuer"] == "https://lms.example.org"
    assert [d["deployment_id"] for d in listed[0]["deployments"]] == ["d1", "d2"]
    assert listed[0]["active"] is True
    assert "Moodle test" in cli("platform", "list").output
    result = cli("platform", "remove", "Moodle test", "--yes")
    assert result.exit_code == 0, result.output
    assert json.loads(cli("platform", "list", "--json").output) == []


def test_several_client_ids_per_issuer(cli):
    assert cli("platform", "add", *ARGS).exit_code == 0
    other = [a if a != "client-1" else "client-2" for a in ARGS]
    assert cli("platform", "add", *other).exit_code == 0
    assert len(json.loads(cli("platform", "list", "--json").output)) == 2
    # Removing by issuer is ambiguous now: it says so and removes nothing.
    result = cli("platform", "remove", "https://lms.example.org", "--yes")
    assert result.exit_code != 0
    assert "several platforms" in result.output
    result = cli("platform", "remove", "https://lms.example.org", "--client-id", "client-2",
                 "--yes")  # fmt: skip
    assert result.exit_code == 0
    assert [p["client_id"] for p in json.loads(cli("platform", "list", "--json").output)] == [
        "client-1"
    ]


def test_duplicate_is_a_clear_error(cli):
    assert cli("platform", "add", *ARGS).exit_code == 0
    result = cli("platform", "add", *ARGS)
    assert result.exit_code != 0
    assert "already registered" in result.output
    assert Platform.query.count() == 1


def test_bad_url_is_a_clear_error(cli):
    bad = ["ftp://nope" if a == "https://lms.example.org/jwks" else a for a in ARGS]
    result = cli("platform", "add", *bad)
    assert result.exit_code != 0
    assert "--key-set-url" in result.output
    assert Platform.query.count() == 0


def test_unknown_platform_remove(cli):
    result = cli("platform", "remove", "nowhere", "--yes")
    assert result.exit_code != 0
    assert "unknown platform" in result.output


def test_rotation_keeps_previous_public_key(cli, client):
    first = client.get("/lti/jwks.json").get_json()["keys"]
    assert len(first) == 1 and first[0]["kty"] == "RSA" and first[0]["alg"] == "RS256"
    assert int(len(first[0]["n"]) * 6 / 8) * 8 >= 2048
    result = cli("keys", "rotate")
    assert result.exit_code == 0, result.output
    after = client.get("/lti/jwks.json").get_json()["keys"]
    kids = [k["kid"] for k in after]
    assert len(kids) == 2 and first[0]["kid"] in kids
    assert keys.signing_key().kid == kids[0] != first[0]["kid"]
    # A second rotation with --keep 1 drops the oldest retired key only.
    cli("keys", "rotate")
    latest = [k["kid"] for k in client.get("/lti/jwks.json").get_json()["keys"]]
    assert len(latest) == 2 and first[0]["kid"] not in latest and kids[0] in latest
    assert not any("d" in k for k in client.get("/lti/jwks.json").get_json()["keys"])


def test_config_json_for_administrators(client):
    data = client.get("/lti/config.json").get_json()
    assert data["oidc_initiation_url"].endswith("/lti/login")
    assert data["target_link_uri"].endswith("/lti/launch")
    assert data["jwks_uri"].endswith("/lti/jwks.json")
    assert data["public_jwk"]["kid"]
