"""An LRS that goes down mid-journey delays statements and loses none; a retry duplicates none."""

from __future__ import annotations

import uuid

from sqlalchemy import update

from catalyst_training.delivery.models import DELIVERED, PENDING
from catalyst_training.delivery.xapi import endpoints, transport
from catalyst_training.delivery.xapi.models import XapiStatement
from catalyst_training.extensions import db
from tests.delivery.journey import hand_in, launch, pass_quiz, read_lessons
from tests.delivery.xapi.helpers import drain_xapi, of, states
from tests.delivery.xapi.ralph import PASSWORD, USER, Ralph


def test_ralph_stopped_then_restarted_loses_nothing_and_duplicates_nothing(
    app, clock, platform, tmp_path
):
    ralph = Ralph(tmp_path / "ralph").start()
    try:
        endpoints.configure(None, ralph.base_url, USER, PASSWORD)
        db.session.commit()
        sub = f"learner-{uuid.uuid4().hex[:8]}"
        learner = launch(platform, "learner", sub)
        read_lessons(learner)
        before = drain_xapi()["delivered"]
        assert before >= 2  # the launch and the lessons

        ralph.stop()  # the LRS goes down in the middle of the journey
        pass_quiz(learner)
        hand_in(learner)
        for _ in range(3):  # the worker keeps trying: every statement waits, none is dropped
            counts = transport.run_batch("xapi-test", clock)
            assert not counts["delivered"] and not counts["dead"]
            clock.advance(3600)
        waiting = states()[PENDING]
        assert waiting >= 4 and states()[DELIVERED] == before
        waiting_rows = db.session.scalars(db.select(XapiStatement).filter_by(state=PENDING)).all()
        assert all(r.attempts >= 3 and "unreachable" in (r.last_error or "") for r in waiting_rows)

        ralph.start()  # back on the same port, with what it stored before
        assert drain_xapi()["delivered"] == waiting
        # An answer lost on the way back: the same statements are sent once more.
        db.session.execute(update(XapiStatement).values(state=PENDING, attempts=0))
        db.session.commit()
        assert drain_xapi()["delivered"] == before + waiting

        held = of(ralph.statements(), sub)
        ids = [s["id"] for s in held]
        assert len(ids) == len(set(ids)) == before + waiting  # all there, none twice
        recorded = set(db.session.scalars(db.select(XapiStatement.statement_id)))
        assert set(ids) == recorded
    finally:
        ralph.stop()
