"""The demo course run of the sandbox platform: seeded once, through the services of real use.

`seed()` creates two territories and cohorts, the sandbox mentor on one of them, ~30 learners
at every stage of the programme (whatever modules are loaded), work waiting in the grading
queue, a peer exchange and a few grade deliveries. A second call finds the seed and changes
nothing; `reset()` erases the sandbox platform's people and course runs (nothing else) first.
Functions flush only: the caller commits, then deletes the files `reset()` returned.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select

from ..auth import personal_data
from ..auth.models import Context, User
from ..content.services import current_versions
from ..core.clock import clock_of
from ..core.models import aware
from ..delivery.models import DEAD, DELIVERED, PENDING, GradeDelivery
from ..delivery.outbox import SCORE_FIELDS, enqueue
from ..extensions import db
from ..learning.models import ModuleProgress
from ..learning.modules import module_for_version
from ..lti.models import Platform
from ..lti.registry import find_platform
from ..mentoring import management, peer, territories
from . import demo_data as D
from . import demo_steps as steps
from .services import CLIENT_ID, CONTEXT_ID, ISSUER, USERS

log = logging.getLogger(__name__)
DAY = timedelta(days=1)
MODULE_DAYS = 6  # a learner finishes a module about every six days


@dataclass
class SeedResult:
    """What a seed call did."""

    created: bool
    learners: int = 0
    files: list[Path] = field(default_factory=list)


def sandbox_platform() -> Platform | None:
    """The registered sandbox platform, or None."""
    return find_platform(ISSUER, CLIENT_ID)


def course_run(platform: Platform | None) -> Context | None:
    """The sandbox course run (its Context), or None before the first launch or seed."""
    if platform is None:
        return None
    return db.session.scalar(
        select(Context).filter_by(platform_id=platform.id, context_id=CONTEXT_ID)
    )


def is_seeded(platform: Platform | None) -> bool:
    """True when the demo cohorts already exist in the sandbox course run."""
    ctx = course_run(platform)
    return ctx is not None and territories.cohort_by_slug(ctx.id, D.COHORTS[0].slug) is not None


def reset(platform: Platform, now: datetime) -> list[Path]:
    """Erase the sandbox platform's people and course runs (audited); attachment files to delete."""
    erased = personal_data.erase(personal_data.people_of_platform(platform.id))
    db.session.execute(
        delete(Context).where(Context.platform_id == platform.id),
        execution_options={"synchronize_session": False},
    )
    db.session.expire_all()
    personal_data.record(
        "demo.reset",
        f"platform:{platform.id}",
        now,
        {"people": erased.counts.get("auth.users", 0), "via": "demo --fresh"},
    )
    return list(erased.files)


def seed(base_url: str, *, fresh: bool = False, now: datetime | None = None) -> SeedResult:
    """Seed the demo course run once (again after a reset when `fresh`); flush only."""
    platform = sandbox_platform()
    if platform is None:
        raise RuntimeError("register the sandbox platform before seeding its demo data")
    now = now or clock_of().now()
    files = reset(platform, now) if fresh else []
    if is_seeded(platform):
        return SeedResult(created=False, files=files)
    base = base_url.rstrip("/")
    rng = random.Random(17)  # noqa: S311 - varied, reproducible demo data
    modules = _programme()
    start = now - 70 * DAY
    coordinator = steps.launch(platform, _person("coordinator"), D.ADMINISTRATOR, base)
    ctx = course_run(platform)
    actor = management.Actor(coordinator.id, start, all_tenants=True, source="demo")
    for plan in D.COHORTS:  # the shared reference list: reused when already there
        if territories.territory_by_code(plan.code) is None:
            management.create_territory(actor, plan.territory, plan.code, plan.region)
    learners = 0
    for index, plan in enumerate(D.COHORTS):
        territory = territories.territory_by_code(plan.code)
        change = management.CohortChange(
            plan.name, territory.id, start.date(), (now + 60 * DAY).date(), plan.slug
        )
        management.create_cohort(actor, ctx.id, change)
        mentor = steps.launch(platform, plan.mentor, D.INSTRUCTOR, base, cohort=plan.slug)
        people = [
            (steps.launch(platform, _learner(g, f), D.LEARNER, base, cohort=plan.slug), profile)
            for g, f, profile in D.LEARNERS[index]
        ]
        if (
            index == 0
        ):  # the sandbox learner: placed, nothing done (the learner journey starts clean)
            steps.launch(platform, _person("learner"), D.LEARNER, base, cohort=plan.slug)
        _peer_exchange(ctx, plan, people, mentor, now)
        for user, profile in people:
            _live(user.id, mentor.id, profile, modules, now, rng)
        learners += len(people)
    if modules:
        _deliveries(platform, ctx, base, modules[0], now)
    db.session.flush()
    return SeedResult(created=True, learners=learners, files=files)


def _person(role: str) -> tuple[str, str, str]:
    user = USERS[role]
    return user["sub"], user["given_name"], user["family_name"]


def _learner(given: str, family: str) -> tuple[str, str, str]:
    ascii_name = f"{given}-{family}".lower().encode("ascii", "ignore").decode()
    return f"{D.SUB_PREFIX}{ascii_name}", given, family


def _programme() -> list[tuple[object, int]]:
    """(module, version id) of the loaded programme, in programme order."""
    pairs = [(module_for_version(v.id), v.id) for v in current_versions()]
    return sorted(((m, vid) for m, vid in pairs if m), key=lambda p: (p[0].order, p[0].slug))


def _peer_exchange(ctx: Context, plan, people, mentor, now: datetime) -> None:
    """A visit by the cohort's finishers and near-finishers (before their work, so it counts)."""
    ids = [u.id for u, p in people if p in (D.COMPLETED, D.APPROVED, D.SUBMITTED)]
    other = D.COHORTS[1] if plan is D.COHORTS[0] else D.COHORTS[0]
    host = territories.territory_by_code(other.code)
    cohort = territories.cohort_by_slug(ctx.id, plan.slug)
    if ids and host is not None and cohort is not None:
        notes = f"Visite d'échange chez les acteurs de {host.name} : alliance emploi et mobilité."
        peer.record_session(cohort, "visit", (now - 20 * DAY).date(), host, ids, mentor.id, notes)


def _live(user_id: int, mentor_id: int, profile: str, modules, now: datetime, rng) -> None:
    """Play a learner's history up to their profile, at past dates."""
    if profile == D.NOT_STARTED or not modules:
        return
    n = len(modules)
    text = rng.choice(D.TEXTS)
    done = {
        D.COMPLETED: n,
        D.APPROVED: min(n, rng.randint(1, 3)),
        D.STALLED: 0,
    }.get(profile, min(n - 1, rng.randint(0, 3)))
    end = now - (rng.randint(25, 40) if profile == D.STALLED else rng.randint(1, 4)) * DAY
    start = end - (done * MODULE_DAYS + 10) * DAY
    for i in range(done):
        module, vid = modules[i]
        steps.complete_module(user_id, mentor_id, module, vid, start + i * MODULE_DAYS * DAY, text)
    if done >= n or profile == D.APPROVED:
        return
    module, vid = modules[done]
    when = end - 9 * DAY
    if profile == D.STALLED:
        steps.view_lessons(user_id, module, end, count=1)
        return
    steps.view_lessons(user_id, module, when)
    if profile == D.IN_PROGRESS:
        steps.take_quiz(user_id, module, vid, end, [0.4])
        return
    steps.take_quiz(user_id, module, vid, when + DAY, [0.6, 1.0])
    attach = profile == D.SUBMITTED and rng.random() < 0.5
    sub = steps.hand_in(user_id, module, vid, when + 3 * DAY, text, attach=attach)
    if sub is None or profile == D.SUBMITTED:
        return
    steps.decide(sub, module, mentor_id, when + 5 * DAY, "return", D.RETURN_REASON)
    if profile == D.RESUBMITTED:
        steps.hand_in(user_id, module, vid, end, text + "\n\n" + D.TEXTS[1])


def _deliveries(platform, ctx, base: str, first, now: datetime) -> None:
    """A learner opens the first module's link (its gradebook column); a few scores sent."""
    module, _vid = first
    rows = db.session.execute(
        select(ModuleProgress, User)
        .join(User, User.id == ModuleProgress.user_id)
        .where(
            User.platform_id == platform.id,
            ModuleProgress.module_slug == module.slug,
            ModuleProgress.activity_progress.is_not(None),
        )
        .order_by(ModuleProgress.last_activity_at)
        .limit(5)
    ).all()
    if not rows:
        return
    steps.launch(platform, (rows[0][1].sub, rows[0][1].given_name, rows[0][1].family_name),
                 D.LEARNER, base, module=module.slug)  # fmt: skip
    for row, user in rows:
        values = {f: getattr(row, f, None) for f in SCORE_FIELDS}
        values["score_given"], values["score_maximum"] = row.score, 100.0
        when = row.last_activity_at or now
        enqueue(db.session, user.id, module.slug, values, when, context_pk=ctx.id, now=when)
    db.session.flush()
    sent = db.session.scalars(
        select(GradeDelivery).where(GradeDelivery.context_id == ctx.id).order_by(GradeDelivery.id)
    ).all()
    for delivery, outcome in zip(sent, OUTCOMES, strict=False):
        _as_the_worker_left_it(delivery, *outcome, now=now)


# (state, attempts, HTTP status, last error) as the worker records them.
OUTCOMES = (
    (DELIVERED, 1, 200, None),
    (DELIVERED, 1, 200, None),
    (PENDING, 2, 503, "HTTP 503: the platform's gradebook is unavailable"),
    (DEAD, 1, 400, "HTTP 400: the line item no longer exists on the platform"),
    (DEAD, 30, 503, "gave up after 30 attempts: HTTP 503 from the platform"),
)


def _as_the_worker_left_it(
    delivery: GradeDelivery, state: str, attempts: int, status: int, error: str | None, now
) -> None:
    """Set a delivery's state, attempts and answer as the worker records an outcome."""
    # Sent lately (the score may be older): retention keeps the answers of recent outcomes.
    sent_at = max(aware(delivery.timestamp) or now, now - timedelta(hours=6 * attempts))
    delivery.state, delivery.attempts, delivery.updated_at = state, attempts, sent_at
    delivery.response_status, delivery.last_error = status, error
    if state == DELIVERED:
        delivery.delivered_at = sent_at
    elif state == PENDING:  # failed; the next try is due in an hour (the worker's backoff)
        delivery.next_attempt_at = now + timedelta(hours=1)


def seed_and_commit(base_url: str, *, fresh: bool = False) -> str:
    """Seed (reset first when `fresh`), commit, delete erased files; says what was done."""
    started = clock_of().monotonic()
    try:
        result = seed(base_url, fresh=fresh)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    failed = personal_data.delete_files(result.files)
    for path in failed:
        log.warning("demo: could not delete %s", path)
    if not result.created:
        return "Demo data: already seeded (start with --fresh to seed it again)."
    took = clock_of().monotonic() - started
    return f"Demo data: {result.learners} learners seeded in {took:.1f} s."
