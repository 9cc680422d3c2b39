"""Build a small mentoring world directly with the services (fast), and log in test clients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from catalyst_training.auth.models import Context, Membership, User
from catalyst_training.core.models import utcnow
from catalyst_training.extensions import db
from catalyst_training.learning import assignments, progress
from catalyst_training.learning.models import Submission
from catalyst_training.learning.modules import current_module
from catalyst_training.lti.models import Platform
from catalyst_training.mentoring import placement, territories

SLUG = "module-exemple"


@dataclass
class World:
    """Two cohorts in one course run, a mentor each, a coordinator and learners."""

    platform: Platform
    context: Context
    cohort_a: object
    cohort_b: object
    mentor_a: User
    mentor_b: User
    coordinator: User
    learner_a: User
    learner_b: User


def user(platform: Platform, context: Context, sub: str, role: str, name: str) -> User:
    """A user with a membership in the context."""
    found = User(platform_id=platform.id, sub=sub, name=name)
    db.session.add(found)
    db.session.flush()
    db.session.add(Membership(user_id=found.id, context_id=context.id, role=role, lti_roles=[]))
    db.session.flush()
    return found


def build_world() -> World:
    """Create the world and commit."""
    plat = Platform(name="P", issuer="https://p.test", client_id="c", auth_token_url="x")
    db.session.add(plat)
    db.session.flush()
    ctx = Context(platform_id=plat.id, context_id="course-1", title="Session 1")
    db.session.add(ctx)
    db.session.flush()
    t_a = territories.create_territory("Lyon", "69123", "Auvergne-Rhône-Alpes")
    t_b = territories.create_territory("Corse-du-Sud", "2A", "Corse")
    c_a = territories.create_cohort("Cohorte Lyon", "lyon", t_a, ctx.id)
    c_b = territories.create_cohort("Cohorte Corse", "corse", t_b, ctx.id)
    m_a = user(plat, ctx, "m-a", "mentor", "Mentor A")
    m_b = user(plat, ctx, "m-b", "mentor", "Mentor B")
    coord = user(plat, ctx, "co", "coordinator", "Coord")
    l_a = user(plat, ctx, "l-a", "learner", "Learner A")
    l_b = user(plat, ctx, "l-b", "learner", "Learner B")
    territories.add_mentor(c_a, m_a)
    territories.add_mentor(c_b, m_b)
    now = utcnow()
    placement.place_from_launch(l_a.id, ctx.id, "learner", {"cohort": "lyon"}, now)
    placement.place_from_launch(l_b.id, ctx.id, "learner", {"territory": "2a"}, now)
    db.session.commit()
    return World(plat, ctx, c_a, c_b, m_a, m_b, coord, l_a, l_b)


def submit_work(learner_id: int, text: str = "Mon territoire.", days_ago: int = 0) -> Submission:
    """The learner hands in the sample module's assignment (a new version if returned)."""
    module, version_id = current_module(SLUG)
    now = utcnow() - timedelta(days=days_ago)
    draft = assignments.editable_draft(learner_id, SLUG, version_id)
    assignments.save_draft(draft, text, now)
    assignments.submit(draft, now)
    progress.evaluate(learner_id, module, now)
    db.session.commit()
    return draft


def login(client, who: User, role: str, context_pk: int | None) -> None:
    """Put a launched session into a test client."""
    from flask import g

    g.pop("_login_user", None)  # Flask-Login's cache lives in the test's long app context
    with client.session_transaction() as sess:
        sess["_user_id"] = str(who.id)
        sess["_fresh"] = True
        sess["act"] = {
            "user_id": who.id,
            "role": role,
            "platform_id": who.platform_id,
            "context_pk": context_pk,
            "resource_link_pk": None,
            "launch_id": None,
            "locale": "fr",
        }


def csrf_token(client) -> str:
    """A valid CSRF token for the client's session."""
    import re

    from flask import g

    # The test's app context outlives requests, so Flask-WTF's per-request cache in `g` would
    # hand a second client the first one's token without putting it in that client's session.
    g.pop("csrf_token", None)
    page = client.get("/accessibilite")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert match
    return match.group(1)


@dataclass
class OtherPlatform:
    """Platform B: a course run with the same context_id as platform A's, and its people."""

    platform: Platform
    context: Context
    cohort: object
    coordinator: User
    learner: User
    mentor: User


def add_platform_b(world: World) -> OtherPlatform:
    """A second platform whose course run is also called "course-1" (commit)."""
    plat = Platform(name="B", issuer="https://b.test", client_id="cb", auth_token_url="x")
    db.session.add(plat)
    db.session.flush()
    ctx = Context(platform_id=plat.id, context_id=world.context.context_id, title="Session B")
    db.session.add(ctx)
    db.session.flush()
    cohort = territories.create_cohort("Cohorte B", "cohorte-b", world.cohort_a.territory, ctx.id)
    coordinator = user(plat, ctx, "co", "coordinator", "Coord B")
    learner = user(plat, ctx, "l-a", "learner", "Learner of B")
    mentor = user(plat, ctx, "m-a", "mentor", "Mentor of B")
    db.session.commit()
    return OtherPlatform(plat, ctx, cohort, coordinator, learner, mentor)


def local_coordinator() -> User:
    """A local coordinator account: the explicit "all platforms" scope (commit)."""
    found = User(email="programme@example.org", name="Programme", is_coordinator_account=True)
    db.session.add(found)
    db.session.commit()
    return found


def snapshot() -> tuple:
    """Placements, mentors, cohorts, territories, audit entries: unchanged by a refusal."""
    from sqlalchemy import select

    from catalyst_training.mentoring.models import (
        AuditEntry,
        Cohort,
        CohortMember,
        Territory,
        cohort_mentors,
    )

    db.session.expire_all()
    members = db.session.execute(
        select(CohortMember.user_id, CohortMember.cohort_id).order_by(CohortMember.id)
    ).all()
    mentors = db.session.execute(select(cohort_mentors).order_by("cohort_id", "user_id")).all()
    audit = db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).all()
    cohorts = db.session.execute(
        select(Cohort.id, Cohort.name, Cohort.territory_id, Cohort.context_id).order_by(Cohort.id)
    ).all()
    places = db.session.execute(select(Territory.id, Territory.name, Territory.code)).all()
    return members, mentors, audit, cohorts, sorted(places)
