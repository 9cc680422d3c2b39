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

    page = client.get("/accessibilite")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert match
    return match.group(1)
