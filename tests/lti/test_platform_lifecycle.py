"""`platform disable | enable`, and `platform remove` that refuses or purges people's data."""

import pytest
from sqlalchemy import func, select

from catalyst_training.auth.models import Context, User
from catalyst_training.extensions import db
from catalyst_training.lti.models import Platform
from catalyst_training.mentoring.models import AuditEntry, Territory
from tests.auth.lifecycle import populated_worlds, snapshot_of, traces
from tests.platform import TestPlatform


def _row(platform) -> Platform:
    db.session.expire_all()
    return db.session.scalars(select(Platform).filter_by(client_id=platform.client_id)).one()


def _audit(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).filter_by(action=action)))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_disable_keeps_data_refuses_launches_and_ends_sessions(platform, cli):
    browser = TestPlatform.session()
    assert platform.launch(browser, "learner", user_id="kept").response.status_code == 303
    assert browser.get(platform.tool_base_url + "/api/me", timeout=5).status_code == 200
    pid = str(_row(platform).id)
    result = cli("platform", "disable", pid, "--by", "Alice (DPO)")
    assert result.exit_code == 0, result.output
    assert "disabled" in result.output
    assert _row(platform).active is False
    # The open session ends, a new launch is refused, and nothing was deleted.
    assert browser.get(platform.tool_base_url + "/api/me", timeout=5).status_code == 401
    refused = platform.launch(TestPlatform.session(), "learner", user_id="kept")
    assert refused.response.status_code == 400
    assert db.session.scalar(select(User).filter_by(sub="kept")) is not None
    assert _count(Context) == 1
    (entry,) = _audit("platform.disable")
    assert entry.target == f"platform:{pid}" and entry.details["by"] == "Alice (DPO)"
    assert entry.details["os_user"] and entry.details["via"] == "cli"
    # Disabling twice changes nothing and is not audited again; enable lets launches in.
    assert "already" in cli("platform", "disable", pid).output
    assert len(_audit("platform.disable")) == 1
    result = cli("platform", "enable", platform.issuer)
    assert result.exit_code == 0, result.output
    assert _row(platform).active is True and len(_audit("platform.enable")) == 1
    again = TestPlatform.session()
    assert platform.launch(again, "learner", user_id="kept").response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(User).filter_by(sub="kept")) == 1


def test_remove_refuses_while_a_launched_person_exists(platform, cli):
    assert platform.launch(TestPlatform.session(), "mentor", user_id="m1").response.status_code
    result = cli("platform", "remove", platform.issuer, "--yes")
    assert result.exit_code != 0
    assert "still holds the data of 1 people" in result.output
    assert "--purge-learner-data" in result.output and "nothing removed" in result.output
    assert _row(platform).active is True
    assert db.session.scalar(select(User).filter_by(sub="m1")) is not None
    assert _audit("platform.purge") == []


@pytest.fixture
def worlds(app, programme):
    """Platform P with two populated learners, and platform B with one (same sub as P's A)."""
    world, other, a, b, c = populated_worlds()
    return world, other, (a, b), c


def test_remove_without_the_flag_changes_nothing(cli, worlds):
    world, _other, (a, b), c = worlds
    before = [snapshot_of(p) for p in (a, b, c)]
    audit = _count(AuditEntry)
    result = cli("platform", "remove", "P", "--yes")
    assert result.exit_code != 0
    assert "5 people" in result.output and "2 attachment files" in result.output
    assert [snapshot_of(p) for p in (a, b, c)] == before
    assert db.session.get(Platform, world.platform.id) is not None
    assert all(f.exists() for p in (a, b, c) for f in p.files)
    assert _count(AuditEntry) == audit


def test_purge_erases_every_person_and_file_of_the_platform_only(cli, worlds):
    world, other, (a, b), c = worlds
    untouched = snapshot_of(c)
    pid, cohorts = world.platform.id, {str(world.cohort_a.id): 1, str(world.cohort_b.id): 1}
    result = cli("platform", "remove", "P", "--purge-learner-data", "--by", "dpo@example.org",
                 "--yes")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "5 people erased, 2 attachment file(s) deleted" in result.output
    for person in (a, b):
        assert traces(person) == []
    assert db.session.get(Platform, pid) is None
    assert db.session.scalar(select(func.count()).select_from(User).filter_by(platform_id=pid)) == 0
    # Platform B, its people and their files are untouched; shared territories stay.
    assert snapshot_of(c) == untouched and all(f.exists() for f in c.files)
    assert db.session.get(Platform, other.platform.id) is not None
    assert _count(Territory) == 2
    (entry,) = _audit("platform.purge")
    assert entry.details["by"] == "dpo@example.org" and entry.details["people"] == 5
    assert entry.details["files"] == 2 and entry.details["issuer"] == "https://p.test"
    assert entry.details["kept"]["erased_learners_by_cohort"] == cohorts
