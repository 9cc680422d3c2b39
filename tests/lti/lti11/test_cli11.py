"""`platform add-lti11`, `platform list [--json]`, `platform remove` for LTI 1.1 consumers."""

from __future__ import annotations

import json

from sqlalchemy import select

from catalyst_training.extensions import db
from catalyst_training.lti.lti11.models import Lti11Consumer, decrypt_secret
from catalyst_training.lti.models import Platform

SECRET = "s3cr3t-shared-with-fun-mooc"


def _add(cli, key="fun-key", *extra: str, secret: str = SECRET):
    return cli("platform", "add-lti11", "--name", "FUN MOOC", "--consumer-key", key, *extra,
               input=secret + "\n")  # fmt: skip


def test_add_stores_the_secret_encrypted_and_never_prints_it(cli, app):
    result = _add(cli, "fun-key", "--origin", "https://lms.fun-mooc.fr/courses")
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output and "/lti/launch11" in result.output
    platform = db.session.scalars(select(Platform).filter_by(client_id="fun-key")).one()
    assert (platform.lti_version, platform.issuer) == ("1.1", "https://lms.fun-mooc.fr")
    row = db.session.get(Lti11Consumer, platform.id)
    assert SECRET not in row.secret_encrypted and decrypt_secret(row.secret_encrypted) == SECRET
    assert SECRET not in repr(row)


def test_list_and_json_show_lti11_rows_without_secrets(cli, app):
    assert _add(cli).exit_code == 0
    listed = cli("platform", "list")
    assert listed.exit_code == 0 and "LTI 1.1" in listed.output and "fun-key" in listed.output
    as_json = cli("platform", "list", "--json")
    assert SECRET not in listed.output + as_json.output
    (entry,) = json.loads(as_json.output)
    assert entry["lti_version"] == "1.1" and entry["client_id"] == "fun-key"
    assert "secret" not in json.dumps(entry).lower()


def test_origin_is_allowed_to_frame_the_tool(cli, client):
    assert _add(cli, "framed", "--origin", "https://lms.fun-mooc.fr").exit_code == 0
    csp = client.get("/healthz").headers["Content-Security-Policy"]
    assert "https://lms.fun-mooc.fr" in csp


def test_duplicate_key_empty_secret_and_bad_origin_are_refused(cli, app):
    assert _add(cli).exit_code == 0
    again = _add(cli)
    assert again.exit_code != 0 and "already" in again.output
    empty = _add(cli, "other", secret="")
    assert empty.exit_code != 0 and "empty" in empty.output
    bad = _add(cli, "third", "--origin", "lms.fun-mooc.fr")
    assert bad.exit_code != 0 and "--origin" in bad.output
    assert db.session.scalar(select(db.func.count(Platform.id))) == 1


def test_remove_takes_the_secret_with_it(cli, app):
    assert _add(cli).exit_code == 0
    result = cli("platform", "remove", "FUN MOOC", "--yes")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalars(select(Platform)).first() is None
    assert db.session.scalars(select(Lti11Consumer)).first() is None


def test_a_changed_secret_key_makes_the_secret_unusable_not_leaked(cli, app):
    assert _add(cli).exit_code == 0
    row = db.session.scalars(select(Lti11Consumer)).one()
    app.config["SECRET_KEY"] = "another-secret-key"
    try:
        decrypt_secret(row.secret_encrypted)
    except ValueError as exc:
        assert "lti11-secret" in str(exc) and SECRET not in str(exc)
    else:  # pragma: no cover
        raise AssertionError("decrypted with the wrong key")
    result = cli("platform", "lti11-secret", "fun-key", input="a-new-secret\n")
    assert result.exit_code == 0 and "a-new-secret" not in result.output
    db.session.expire_all()
    assert decrypt_secret(db.session.scalars(select(Lti11Consumer)).one().secret_encrypted) == (
        "a-new-secret"
    )
    assert cli("platform", "lti11-secret", "nope", input="x\n").exit_code != 0
