"""`xapi replay`: the history reaches an LRS configured afterwards, and replaying is idempotent."""

from __future__ import annotations

import uuid

from catalyst_training.delivery.xapi.models import XapiStatement
from catalyst_training.extensions import db
from tests.delivery.journey import hand_in, launch, pass_quiz, read_lessons
from tests.delivery.xapi.helpers import drain_xapi, of
from tests.delivery.xapi.ralph import PASSWORD, USER


def test_history_before_the_lrs_is_replayed_once(app, clock, cli, platform, ralph_server):
    sub = f"learner-{uuid.uuid4().hex[:8]}"
    learner = launch(platform, "learner", sub)
    read_lessons(learner)
    pass_quiz(learner)
    hand_in(learner)
    assert db.session.scalar(db.select(db.func.count(XapiStatement.id))) == 0  # no LRS yet

    result = cli(
        "xapi",
        "lrs",
        "set",
        "--url",
        ralph_server.base_url,
        "--username",
        USER,
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    result = cli("xapi", "replay", "--since", "2000-01-01")
    assert result.exit_code == 0, result.output
    assert "rebuilt" in result.output
    first = drain_xapi()["delivered"]
    verbs = [s["verb"]["display"]["en-US"] for s in of(ralph_server.statements(), sub)]
    # Everything but the launch (a launch leaves no history but its statement).
    assert "launched" not in verbs
    assert {"experienced", "attempted", "answered", "completed", "submitted"} <= set(verbs)
    assert len(verbs) == first

    assert cli("xapi", "replay").exit_code == 0  # again: same ids, the LRS keeps one of each
    assert drain_xapi()["delivered"] == first
    held = of(ralph_server.statements(), sub)
    assert len(held) == len({s["id"] for s in held}) == first


def test_replay_refuses_a_bad_date_clearly(app, cli):
    result = cli("xapi", "replay", "--since", "yesterday")
    assert result.exit_code == 2
    assert "not a date" in result.output
