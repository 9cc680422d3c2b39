"""No N+1: SQL statements per request on the main pages stay under a fixed bound.

Each page is requested with a small cohort and again after many more learners (with progress,
quiz attempts and submissions) joined it: the count must stay under the page's bound both times
and must not grow with the number of learners.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from catalyst_training.core.models import utcnow
from catalyst_training.extensions import db
from catalyst_training.learning import progress, services
from catalyst_training.learning.modules import current_module
from catalyst_training.mentoring import placement
from tests.mentoring.helpers import SLUG, build_world, login, submit_work, user

# Statements per request (measured: 10, 11, 5, 9, 6, 9, 15; the progress page also reads lesson
# views and attempts for "Continuer", certificates and self-assessments), a fixed bound:
# an N+1 on learners, lessons or modules breaks them at once.
BOUNDS = {
    "learner module page": 12,
    "lesson": 16,
    "quiz page": 8,
    "progress": 12,
    "mentor dashboard": 12,
    "mentor learner file": 16,
    "console": 30,
}


class QueryCounter:
    """Counts SQL statements sent by the app's engine (before_cursor_execute)."""

    def __init__(self, engine) -> None:
        self.engine, self.statements = engine, []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, _conn, _cursor, statement, _params, _context, _many) -> None:
        self.statements.append(statement)

    @contextmanager
    def counting(self) -> Iterator[list[str]]:
        """Collect the statements of the block."""
        self.statements = []
        yield self.statements

    def close(self) -> None:
        """Stop listening."""
        event.remove(self.engine, "before_cursor_execute", self._record)


def add_learners(world, count: int) -> None:
    """More learners in cohort A, each with a lesson read, a submitted work and progress."""
    module, _version = current_module(SLUG)
    now = utcnow()
    for n in range(count):
        learner = user(world.platform, world.context, f"extra-{n}", "learner", f"Extra {n}")
        placement.place_from_launch(learner.id, world.context.id, "learner", {"cohort": "lyon"},
                                    now)  # fmt: skip
        services.record_lesson_view(learner.id, SLUG, module.lessons[0].id, now)
        progress.evaluate(learner.id, module, now)
        db.session.commit()
        if n % 2 == 0:
            submit_work(learner.id, f"Travail {n}")


def measure(app, counter, world) -> dict[str, int]:
    """Statements of one request to each page, each in its own app context (as in production)."""
    module, _version = current_module(SLUG)
    learner_pages = {
        "learner module page": f"/learn/m/{SLUG}/",
        "lesson": f"/learn/m/{SLUG}/lessons/{module.lessons[0].id}",
        "quiz page": f"/learn/m/{SLUG}/quiz",
        "progress": "/learn/progress",
    }
    staff_pages = [
        ("mentor dashboard", world.mentor_a, "mentor", "/mentor/"),
        ("mentor learner file", world.mentor_a, "mentor", f"/mentor/learners/{world.learner_a.id}"),
        ("console", world.coordinator, "coordinator", "/console/"),
    ]
    visits = [(name, world.learner_a, "learner", path) for name, path in learner_pages.items()]
    counts: dict[str, int] = {}
    for name, who, role, path in [*visits, *staff_pages]:
        client = app.test_client()
        with app.app_context():
            login(client, who, role, world.context.id)
            client.get(path)  # warm: first view of a page may fill per-process caches
        with app.app_context(), counter.counting() as statements:
            resp = client.get(path)
        assert resp.status_code == 200, (name, resp.status_code)
        counts[name] = len(statements)
    return counts


@pytest.fixture
def counter(app):
    """A statement counter on the test app's engine."""
    found = QueryCounter(db.engine)
    yield found
    found.close()


def test_main_pages_stay_under_their_query_bound(app, programme, counter):
    world = build_world()
    submit_work(world.learner_a.id)
    small = measure(app, counter, world)
    add_learners(world, 12)
    large = measure(app, counter, world)
    for name, bound in BOUNDS.items():
        assert small[name] <= bound, f"{name}: {small[name]} statements > {bound}"
        assert large[name] <= bound, f"{name}: {large[name]} statements > {bound}"
        # Twelve more learners may add nothing per learner: at most a constant difference.
        assert large[name] - small[name] <= 2, f"{name}: {small[name]} -> {large[name]}"


def test_counter_sees_every_statement(app, counter):
    with counter.counting() as statements:
        db.session.execute(db.select(db.literal(1))).all()
        db.session.execute(db.select(db.literal(2))).all()
    assert len([s for s in statements if re.match(r"\s*SELECT", s)]) == 2
