"""Helpers for grade passback tests: a gradebook of learners with AGS links, a worker to drain."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from catalyst_training.auth.models import Context, Membership, ResourceLink, User
from catalyst_training.core.clock import ManualClock, clock_of
from catalyst_training.core.models import aware, utcnow
from catalyst_training.delivery import worker
from catalyst_training.delivery.models import IN_FLIGHT, PENDING, GradeDelivery
from catalyst_training.delivery.transports import ags
from catalyst_training.extensions import db
from catalyst_training.learning.models import ScoreEvent
from catalyst_training.lti.models import Platform

SLUG = "module-exemple"
ALL_SCOPES = [ags.LINEITEM_SCOPE, ags.RESULT_READ_SCOPE, ags.SCORE_SCOPE]


class Gradebook:
    """Learners of one course on the test platform, and helpers to change and deliver scores."""

    def __init__(self, platform) -> None:
        self.platform = platform
        self.row = db.session.scalars(
            select(Platform).filter_by(client_id=platform.client_id)
        ).one()
        self.context = Context(platform_id=self.row.id, context_id="course-v1:FUN+CAT+2026")
        db.session.add(self.context)
        db.session.flush()
        self.lineitem = platform.ags.add_lineitem("course", label="Module", resourceId=SLUG)
        self._links: dict[str, ResourceLink] = {}

    def link(self, mode: str = "declarative", scopes: list[str] | None = None) -> ResourceLink:
        """The course's resource link showing the module, with a declarative line item or not."""
        key = f"{mode}:{scopes}"
        if key not in self._links:
            declarative = mode == "declarative"
            link = ResourceLink(
                platform_id=self.row.id,
                context_id=self.context.id,
                resource_link_id=f"rl-{len(self._links) + 1}",
                module_slug=SLUG,
                lineitem_url=self.lineitem if declarative else None,
                lineitems_url=self.platform.ags.lineitems_url("course"),
                ags_scopes=ALL_SCOPES if scopes is None else scopes,
            )
            db.session.add(link)
            db.session.flush()
            self._links[key] = link
        return self._links[key]

    def learner(self, sub: str, **link_options) -> User:
        """A learner of the course (the link is created first)."""
        self.link(**link_options)
        user = User(platform_id=self.row.id, sub=sub)
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(user_id=user.id, context_id=self.context.id, role="learner"))
        db.session.commit()
        return user

    def change(
        self,
        user: User,
        score: float | None,
        activity="Completed",
        grading="FullyGraded",
        at: datetime | None = None,
    ) -> datetime:
        """Record a score event as learning does; commit (the outbox row comes with it)."""
        at = at or utcnow()
        db.session.add(
            ScoreEvent(
                user_id=user.id,
                module_slug=SLUG,
                score_given=score,
                score_maximum=100.0,
                activity_progress=activity,
                grading_progress=grading,
                created_at=at,
            )
        )
        db.session.commit()
        return at


def manual_clock() -> ManualClock:
    """The app's ManualClock (the `clock` fixture installs it)."""
    clock = clock_of()
    assert isinstance(clock, ManualClock), "this helper needs the `clock` fixture"
    return clock


def _waiting() -> tuple[int, datetime | None]:
    """(rows pending or in flight, when the earliest pending row is due)."""
    db.session.expire_all()
    row = GradeDelivery
    pending_due = func.min(row.next_attempt_at).filter(row.state == PENDING)
    left, due = db.session.execute(
        select(func.count(row.id), pending_due).where(row.state.in_((PENDING, IN_FLIGHT)))
    ).one()
    return left, aware(due)


def advance_to_next_retry() -> datetime | None:
    """Move the test clock to when the earliest pending delivery is due; that time."""
    _left, due = _waiting()
    return None if due is None else manual_clock().advance_to(due)


def drain(timeout: float = 15.0, name: str = "test-worker") -> Counter:
    """Run the worker until nothing is pending or in flight, advancing the test clock to each
    retry instead of waiting for it (fail after `timeout` real seconds)."""
    clock = manual_clock()
    total: Counter = Counter()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = worker.run_batch(name)
        total.update(counts)
        if counts:
            continue
        left, due = _waiting()
        if not left:
            return total
        if due is not None and due > clock.now():
            clock.advance_to(due)  # the next retry (backoff or Retry-After) is due
        else:
            # Rows claimed by another worker thread (run_workers): give it the CPU.
            time.sleep(0.005)
    raise AssertionError(f"deliveries still pending after {timeout}s: {total}")


def run_workers(app, count: int, timeout: float = 20.0) -> list[Counter]:
    """`count` workers in threads, each with its own app context and session, until drained."""
    results: list[Counter] = [Counter() for _ in range(count)]
    errors: list[BaseException] = []

    def target(i: int) -> None:
        try:
            with app.app_context():
                results[i] = drain(timeout, name=f"worker-{i}")
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout + 5)
    assert not errors, errors
    return results


def deliveries() -> list[GradeDelivery]:
    """Every outbox row, oldest first."""
    db.session.expire_all()
    return list(db.session.scalars(select(GradeDelivery).order_by(GradeDelivery.id)))


def expire_claims() -> None:
    """Let every claim run out (a worker died long ago): the clock moves past their end."""
    manual_clock().advance(float(current_app.config["OUTBOX_CLAIM_SECONDS"]) + 1)
