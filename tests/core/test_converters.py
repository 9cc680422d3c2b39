"""Ids in URLs: malformed, zero, negative or past the database's range are a 404, never a 500."""

import pytest

from tests.mentoring.helpers import login


@pytest.mark.parametrize(
    "path",
    [
        "/mentor/learners/99999999999999999999",
        "/mentor/learners/9223372036854775808",
        "/mentor/learners/0",
        "/mentor/learners/-1",
        "/mentor/learners/abc",
        "/mentor/submissions/99999999999999999999",
        "/learn/attempts/99999999999999999999",
        "/console/learners/99999999999999999999",
        "/console/cohorts/1e3",
    ],
)
def test_out_of_range_ids_are_404(app, client, path, caplog):
    from catalyst_training.auth.models import User
    from catalyst_training.extensions import db

    user = User(platform_id=None, sub=None, name="Local")
    db.session.add(user)
    db.session.commit()
    login(client, user, "coordinator", None)
    assert client.get(path).status_code == 404
    assert "Traceback" not in caplog.text
