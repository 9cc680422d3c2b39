"""A quiz submission sends a constant number of SQL statements (no N+1 on learners or questions).

Learners are recorded and logged in the way bench/learning.py does it (record_launch, then the
session written with session_transaction()), on generated modules of 10 and 5 questions.
"""

from __future__ import annotations

import random

import pytest

from bench.learning import (
    QueryCounter,
    answer_fields,
    csrf_token,
    new_learner,
    start_attempt,
    submit,
    write_module,
)
from catalyst_training.content.loader import find_module
from catalyst_training.content.services import sync_modules
from catalyst_training.extensions import db

CEILING = 20  # generous: the point is that the count does not grow, not its exact value


@pytest.fixture
def quizzes(app, tmp_path):
    """Two generated modules, with 10 and 5 questions, synced; their quizzes by slug."""
    root = tmp_path / "modules"
    write_module(root, 10, slug="quiz-dix", order=1)
    write_module(root, 5, slug="quiz-cinq", order=2)
    report = sync_modules(root)
    assert not report.problems, report.problems
    db.session.commit()
    counter = QueryCounter(db.engine)
    yield {slug: find_module(root, slug).quiz for slug in ("quiz-dix", "quiz-cinq")}, counter
    counter.close()


def _submission_statements(app, counter, number: int, slug: str, quiz) -> list[str]:
    # Each request in its own app context, as in production: the test's app context would
    # otherwise be shared (and with it g's cached user and the database session).
    client = new_learner(app, number, slug)
    with app.app_context():
        page = client.get(f"/learn/m/{slug}/")
    assert page.status_code == 200
    token = csrf_token(page.get_data(as_text=True))
    with app.app_context():
        attempt_path = start_attempt(client, slug, token)
    fields = answer_fields(quiz, random.Random(number))
    with app.app_context(), counter.counting():
        resp = submit(client, attempt_path, token, fields)
    assert resp.location.endswith("/review")
    return list(counter.statements)


def test_submission_statement_count_is_constant(app, quizzes):
    by_slug, counter = quizzes
    ten = [_submission_statements(app, counter, n, "quiz-dix", by_slug["quiz-dix"])
           for n in range(1, 6)]  # fmt: skip
    five = _submission_statements(app, counter, 6, "quiz-cinq", by_slug["quiz-cinq"])
    first, fifth = ten[0], ten[4]
    assert len(first) == len(fifth), (first, fifth)
    assert {len(s) for s in ten} == {len(first)}, [len(s) for s in ten]
    assert len(five) == len(first), (five, first)
    assert len(first) <= CEILING, first
    # Exactly one write to the attempt, whatever the number of questions.
    assert sum(s.startswith("UPDATE quiz_attempts") for s in first) == 1, first
