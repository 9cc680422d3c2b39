"""Grade passback against lti1p3platform's AGS service: outbox rows, both line item modes."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from catalyst_training.delivery.models import DEAD, DELIVERED, PENDING
from catalyst_training.delivery.transports import ags
from catalyst_training.extensions import db
from catalyst_training.learning.models import ScoreEvent
from catalyst_training.lti import oauth
from tests.delivery.helpers import SLUG, deliveries, drain
from tests.prod.nodes import wait_until

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"


def test_score_change_writes_a_delivery_in_the_same_transaction(gradebook):
    user = gradebook.learner("ada")
    db.session.add(
        ScoreEvent(
            user_id=user.id,
            module_slug=SLUG,
            score_given=80.0,
            activity_progress="Completed",
            grading_progress="FullyGraded",
        )
    )
    db.session.flush()
    assert len(deliveries()) == 1
    db.session.rollback()  # the score change is abandoned: so is its delivery
    assert deliveries() == []
    at = gradebook.change(user, 80.0)
    (row,) = deliveries()
    assert (row.state, row.score_given, row.mode, row.lineitem_url) == (
        PENDING,
        80.0,
        "declarative",
        gradebook.lineitem,
    )
    assert row.timestamp.replace(tzinfo=None) == at.replace(tzinfo=None)  # microseconds kept
    assert row.timestamp.microsecond == at.microsecond


def test_superseded_rows_collapse_to_the_latest(gradebook):
    user, other = gradebook.learner("ada"), gradebook.learner("bob")
    t0 = gradebook.change(user, None, "Started", "Pending")
    gradebook.change(user, 40.0, "Started", "Pending", at=t0 + timedelta(milliseconds=5))
    last = gradebook.change(user, 90.0, at=t0 + timedelta(milliseconds=10))
    gradebook.change(other, 10.0)
    rows = deliveries()
    assert [(r.user_id, r.score_given) for r in rows] == [(user.id, 90.0), (other.id, 10.0)]
    drain()
    assert gradebook.platform.ags.received("ada") == [
        {
            "userId": "ada",
            "scoreGiven": 90.0,
            "scoreMaximum": 100.0,
            "activityProgress": "Completed",
            "gradingProgress": "FullyGraded",
            "timestamp": ags.iso_timestamp(last),
        }
    ]


def test_declarative_line_item_receives_the_score_with_the_score_media_type(gradebook):
    user = gradebook.learner("ada")
    gradebook.change(user, 75.5)
    assert drain() == {DELIVERED: 1}
    (sent,) = gradebook.platform.ags.scores
    assert sent["lineitem"] == gradebook.lineitem and sent["status"] == 200
    assert sent["headers"]["Content-Type"] == SCORE_TYPE
    assert sent["headers"]["User-Agent"].startswith("catalyst-training/")
    assert sent["score"]["timestamp"].endswith("Z") and len(sent["score"]["timestamp"]) == 24
    assert gradebook.platform.ags.results[(gradebook.lineitem, "ada")]["scoreGiven"] == 75.5
    (token,) = gradebook.platform.token_requests
    assert token["assertion"]["aud"] == gradebook.platform.auth_token_url
    assert set(token["form"]["scope"].split()) == {
        ags.LINEITEM_SCOPE,
        ags.RESULT_READ_SCOPE,
        ags.SCORE_SCOPE,
    }
    assert deliveries()[0].response_status == 200


def test_programmatic_line_item_is_found_or_created_by_resource_id_and_tag(gradebook):
    users = [gradebook.learner(f"u{i}", mode="programmatic") for i in range(3)]
    for i, user in enumerate(users):
        gradebook.change(user, 10.0 * i)
    assert {r.mode for r in deliveries()} == {"programmatic"}
    assert drain() == {DELIVERED: 3}
    store = gradebook.platform.ags
    created = [i for i in store.lineitems.values() if i.get("tag") == ags.LINEITEM_TAG]
    assert len(created) == 1 and created[0]["resourceId"] == SLUG
    assert created[0]["label"] == "Module d'exemple"
    assert {s["lineitem"] for s in store.scores} == {created[0]["id"]}
    assert sorted(s["score"]["userId"] for s in store.scores) == ["u0", "u1", "u2"]
    assert all(s["headers"]["Content-Type"] == SCORE_TYPE for s in store.scores)
    assert [m for m, _p in store.requests].count("POST") == 4  # one creation, three scores
    assert {r.lineitem_url for r in deliveries()} == {created[0]["id"]}


def test_existing_programmatic_line_item_is_reused(gradebook):
    store = gradebook.platform.ags
    existing = store.add_lineitem("course", resourceId=SLUG, tag=ags.LINEITEM_TAG, label="x")
    gradebook.change(gradebook.learner("ada", mode="programmatic"), 50.0)
    drain()
    assert [s["lineitem"] for s in store.scores] == [existing]
    assert ("POST", "/ags/course/lineitems") not in store.requests


def test_one_token_for_many_scores_and_a_single_refresh_on_401(gradebook):
    users = [gradebook.learner(f"u{i}") for i in range(5)]
    for user in users:
        gradebook.change(user, 60.0)
    drain()
    assert len(gradebook.platform.token_requests) == 1
    oauth._tokens.clear()  # another worker process: the token comes from the shared cache
    gradebook.change(users[0], 70.0)
    drain()
    assert len(gradebook.platform.token_requests) == 1
    gradebook.platform.ags.revoke_tokens()
    gradebook.change(users[1], 80.0)
    gradebook.change(users[2], 80.0)
    assert drain() == {DELIVERED: 2}
    assert len(gradebook.platform.token_requests) == 2


def test_missing_score_scope_is_a_visible_dead_letter(gradebook):
    user = gradebook.learner("ada", scopes=[ags.LINEITEM_SCOPE])
    gradebook.change(user, 60.0)
    assert drain() == {DEAD: 1}
    (row,) = deliveries()
    assert "score scope" in row.last_error and row.attempts == 1
    assert gradebook.platform.ags.scores == [] and gradebook.platform.token_requests == []


def test_programmatic_without_lineitem_scope_is_a_dead_letter(gradebook):
    user = gradebook.learner("ada", mode="programmatic", scopes=[ags.SCORE_SCOPE])
    gradebook.change(user, 60.0)
    assert drain() == {DEAD: 1}
    assert "line item scope" in deliveries()[0].last_error


def test_no_delivery_without_ags_or_membership(gradebook):
    from catalyst_training.auth.models import User

    user = gradebook.learner("ada")
    stranger = User(platform_id=gradebook.row.id, sub="not-a-member")
    db.session.add(stranger)
    db.session.commit()
    gradebook.change(stranger, 60.0)
    assert deliveries() == []
    link = gradebook.link()
    link.lineitem_url = link.lineitems_url = None
    db.session.commit()
    gradebook.change(user, 60.0)
    assert deliveries() == []


def test_resync_sends_current_scores_again(gradebook, cli):
    from catalyst_training.learning.models import ModuleProgress

    user = gradebook.learner("ada")
    db.session.add(
        ModuleProgress(
            user_id=user.id,
            module_slug=SLUG,
            score=55.0,
            activity_progress="Started",
            grading_progress="Pending",
        )
    )
    db.session.commit()
    result = cli("scores", "resync", "--context", "course-v1:FUN+CAT+2026", "--module", SLUG)
    assert result.exit_code == 0 and "1 score(s) queued" in result.output, result.output
    assert cli("scores", "resync", "--context", "nope").output.startswith("0 score(s)")
    result = cli("worker", "--once")
    assert result.exit_code == 0 and "delivered 1" in result.output, result.output
    assert gradebook.platform.ags.received("ada")[0]["scoreGiven"] == 55.0
    assert "delivered\t1" in cli("scores", "status").output


def test_serve_runs_the_worker_in_process_on_sqlite(app, gradebook, clock):
    from catalyst_training.delivery import worker

    app.config["WORKER_IN_PROCESS"] = False
    assert worker.start_in_process(app) is None
    app.config["WORKER_IN_PROCESS"] = None  # default: on for SQLite, off for PostgreSQL
    on_sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    assert worker.in_process_enabled(app) is on_sqlite
    app.config["WORKER_IN_PROCESS"] = True
    store = gradebook.platform.ags
    ada, bob = gradebook.learner("ada"), gradebook.learner("bob")
    bob_id = bob.id

    def retried() -> list[tuple[str, int]]:
        return [(r.state, r.attempts) for r in deliveries() if r.user_id == bob_id]

    thread = worker.start_in_process(app)
    try:
        # The commit wakes the idle worker at once: the clock does not move.
        gradebook.change(ada, 33.0)
        assert store.wait_received("ada", timeout=10)
        assert [s["scoreGiven"] for s in store.received("ada")] == [33.0]
        # A refused score is retried when its backoff has passed on the worker's clock.
        store.fail_next(1, 503)
        gradebook.change(bob, 44.0)
        # Failed once, and the worker is back to waiting (order matters: state first).
        assert wait_until(lambda: retried() == [(PENDING, 1)] and clock.waiting, timeout=10)
        assert store.received("bob") == []
        clock.advance(3600)  # past the retry delay and the worker's poll interval
        assert store.wait_received("bob", timeout=10)
    finally:
        app.extensions["catalyst_worker"][1].set()
        worker.new_work.set()
        thread.join(5)
    assert not thread.is_alive()


def test_a_provisional_score_never_follows_a_final_one(gradebook):
    ada = gradebook.learner("ada")
    gradebook.change(ada, 93.0, activity="Completed", grading="FullyGraded")
    drain()
    gradebook.change(ada, 40.0, activity="Started", grading="Pending")  # e.g. a quiz retaken
    assert drain() == Counter()  # nothing sent: Moodle would clear the final grade
    store = gradebook.platform.ags
    assert store.results[(gradebook.lineitem, "ada")]["scoreGiven"] == 93.0
    assert len(store.received("ada")) == 1
    gradebook.change(ada, 95.0, activity="Completed", grading="FullyGraded")
    drain()
    assert store.results[(gradebook.lineitem, "ada")]["scoreGiven"] == 95.0
