"""A comment without a decision, the CLI, and the migration down and up again."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from catalyst_training.extensions import db
from catalyst_training.learning.modules import current_module
from catalyst_training.mentoring import leases, review
from tests.mentoring.helpers import submit_work
from tests.notifications.helpers import drain, evening_clock, text_of

TABLES = {"notification_events", "notification_messages", "notification_preferences",
          "notification_addresses"}  # fmt: skip


def test_a_comment_without_a_decision_reaches_the_learner(app, smtp, world):
    clock = evening_clock(app)
    sub = submit_work(world.learner_b.id)
    drain(clock)
    module, _version = current_module(sub.module_slug)
    assert leases.claim(sub.id, world.mentor_b.id, clock.now())
    draft = review.Draft(levels={}, comment="Pensez aux associations locales.")
    review.decide(sub, module, world.mentor_b.id, "comment", draft, clock.now())
    db.session.commit()
    drain(clock)
    told = smtp.collector.to("learner.b@example.org")
    assert len(told) == 1 and told[0]["Content-Language"] == "fr"
    text = text_of(told[0])
    assert "a commenté votre travail" in text and "Pensez aux associations locales." in text


def test_cli_status_and_check_smtp(app, smtp, world, cli):
    clock = evening_clock(app)
    submit_work(world.learner_a.id)
    drain(clock)
    status = cli("notifications", "status")
    assert status.exit_code == 0 and "delivered: 1" in status.output
    assert "events waiting: 0" in status.output
    check = cli("notifications", "check-smtp")
    assert check.exit_code == 0 and f"127.0.0.1:{smtp.port}" in check.output
    smtp.stop()
    down = cli("notifications", "check-smtp")
    assert down.exit_code != 0 and "unreachable" in down.output
    app.config["SMTP_URL"] = None
    assert cli("notifications", "check-smtp").exit_code != 0


def test_migration_down_and_up_again(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the PostgreSQL run shares one migrated database across the suite")
    db.session.remove()
    downgrade(revision="0013_self_assessments")
    assert not TABLES & set(inspect(db.engine).get_table_names())
    upgrade(revision="heads")
    assert set(inspect(db.engine).get_table_names()) >= TABLES
