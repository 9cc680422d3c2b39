"""The policy table: who may call each endpoint, and which tenant its ids must belong to.

Every endpoint of the app has one line here; `enforce` (a before-request hook) refuses a request
whose acting role is not listed, and a test fails for an endpoint without a line. Services then
scope the ids (`scope` below says what they check) and a generated matrix test
(tests/auth/test_policy_matrix.py) calls every line across platforms, course runs and roles.

The tenant of a request is its acting session's platform and course run; a local coordinator
account (password login, no platform) is the explicit "all tenants" scope.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, abort, current_app, request
from flask_login import logout_user
from sqlalchemy import exists, select

from ..extensions import db
from . import roles
from .models import Membership
from .services import Acting, clear_acting, get_acting, require_acting, session_expired

log = logging.getLogger(__name__)
# fn(acting) -> why the session no longer holds, or None; higher layers add theirs (lti: the
# platform and deployment are still active) through `add_revocation_check` in their init_app.
RevocationCheck = Callable[[Acting], str | None]

# What the ids of an endpoint's URL or form must belong to (checked by the domain service).
NONE = "none"  # no learner data behind an id (or public content such as a module slug)
OWN = "own"  # the acting learner's own attempt or submission
OWN_OR_RUN = "own_or_run"  # the learner's own, or their course run's coordinators'
ACTING_RUN = "acting_run"  # the course run of the launch itself (a local account uses the console)
FOLLOWED = "followed"  # a learner of a cohort the mentor follows / the coordinator's course run
COURSE_RUN = "course_run"  # a cohort, placement or delivery of the coordinator's course run
REFERENCE = "reference"  # shared reference data (territories): read by all coordinators,
#                          changed by local coordinators only; figures inside scoped by course run
PLATFORM_WIDE = "platform_wide"  # a setting reaching every course run of a platform (an LRS):
#                                  changed by a local coordinator account only


@dataclass(frozen=True)
class Rule:
    """One line of the policy table."""

    roles: frozenset[str]
    scope: str = NONE
    public: bool = False


ANY = frozenset(roles.ROLES)
STAFF = frozenset({roles.MENTOR, roles.COORDINATOR})
COORDINATOR = frozenset({roles.COORDINATOR})
LEARNER = frozenset({roles.LEARNER})
PUBLIC = Rule(roles=frozenset(), public=True)

POLICY: dict[str, Rule] = {
    # core: health, language, accessibility statement, static files
    "static": PUBLIC,
    "core.index": PUBLIC,
    "core.healthz": PUBLIC,
    "core.readyz": PUBLIC,
    "core.accessibility": PUBLIC,
    "core.set_language": PUBLIC,
    # auth: the session itself
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "auth.me": PUBLIC,  # answers 401 itself without a session (a JSON client asks)
    # lti: the protocol (its own checks: signatures, nonces, registrations)
    "lti.login": PUBLIC,
    "lti.launch": PUBLIC,
    "lti.launch_storage": PUBLIC,
    "lti.jwks": PUBLIC,
    "lti.config_json": PUBLIC,
    "lti.register": PUBLIC,
    "lti11.launch": PUBLIC,
    "lti.deep_link": Rule(STAFF),
    "lti.roster_sync": Rule(STAFF, COURSE_RUN),
    # learning: the learner's pages (staff may preview them)
    "learning.home": Rule(ANY),
    "learning.my_progress": Rule(ANY, OWN),
    "learning.module": Rule(ANY),
    "learning.lesson": Rule(ANY),
    "learning.asset": Rule(ANY),
    "learning.glossary": Rule(ANY),
    "learning.quiz": Rule(ANY),
    "learning.start_quiz": Rule(ANY, OWN),
    "learning.attempt": Rule(ANY, OWN),
    "learning.attempt_summary": Rule(ANY, OWN),
    "learning.review": Rule(ANY, OWN),
    "learning.assignment": Rule(ANY, OWN),
    "learning.autosave": Rule(ANY, OWN),
    "learning.attachment": Rule(ANY, OWN_OR_RUN),
    "learning.take_self_assessment": Rule(LEARNER, OWN),
    "learning.self_assessment": Rule(LEARNER, OWN),
    # mentoring: cohorts, grading, peer exchanges
    "mentoring.pick_territory": Rule(LEARNER, OWN),
    "mentoring.home": Rule(STAFF, FOLLOWED),
    "mentoring.learner": Rule(ANY, FOLLOWED),
    "mentoring.cohorts": Rule(COORDINATOR, ACTING_RUN),
    "mentoring.peer_sessions": Rule(STAFF, FOLLOWED),
    "mentoring.grading_queue": Rule(STAFF, FOLLOWED),
    "mentoring.take_next": Rule(STAFF, FOLLOWED),
    "mentoring.review_page": Rule(STAFF, FOLLOWED),
    "mentoring.heartbeat": Rule(STAFF, FOLLOWED),
    "mentoring.break_lease": Rule(COORDINATOR, FOLLOWED),
    "mentoring.add_snippet": Rule(STAFF),
    "mentoring.attachment": Rule(STAFF, FOLLOWED),
    # coordinator management (one path per action, in mentoring's services)
    "management.manage_home": Rule(COORDINATOR, COURSE_RUN),
    "management.manage_post": Rule(COORDINATOR, COURSE_RUN),
    "management.import_csv": Rule(COORDINATOR, COURSE_RUN),
    # delivery: grade passback of the coordinator's course runs
    "deliveries.index": Rule(COORDINATOR, COURSE_RUN),
    "deliveries.requeue": Rule(COORDINATOR, COURSE_RUN),
    "deliveries.status": Rule(COORDINATOR, COURSE_RUN),
    # delivery: learning records (xAPI statements) of the coordinator's course runs
    "deliveries.lrs": Rule(COORDINATOR, COURSE_RUN),
    "deliveries.lrs_requeue": Rule(COORDINATOR, COURSE_RUN),
    "deliveries.lrs_email": Rule(COORDINATOR, PLATFORM_WIDE),
    # credentials: certificates of completion (the verification page is public by design)
    "credentials.download": Rule(ANY, FOLLOWED),
    "credentials.revoke": Rule(COORDINATOR, FOLLOWED),
    "credentials.reissue": Rule(COORDINATOR, FOLLOWED),
    "credentials.verify": PUBLIC,
    # a badge received as a file or JWT, checked against our keys (no id, no login)
    "credentials.received_form": PUBLIC,
    "credentials.received_check": PUBLIC,
    # credentials: Open Badges, downloaded like the certificate; what verifiers fetch is public
    "credentials.badge_json": Rule(ANY, FOLLOWED),
    "credentials.badge_jwt": Rule(ANY, FOLLOWED),
    "credentials.badge_png": Rule(ANY, FOLLOWED),
    "credentials.badge_key": PUBLIC,
    "credentials.revocations": PUBLIC,
    "credentials.issuer": PUBLIC,
    "credentials.achievement_image": PUBLIC,
    # credentials: every module and programme badge, by its id (certificate or not)
    "credentials.held_badge_json": Rule(ANY, FOLLOWED),
    "credentials.held_badge_jwt": Rule(ANY, FOLLOWED),
    "credentials.held_badge_png": Rule(ANY, FOLLOWED),
    "credentials.revoke_badge": Rule(COORDINATOR, FOLLOWED),
    # reporting: read-only console
    "reporting.home": Rule(COORDINATOR, COURSE_RUN),
    "reporting.export": Rule(COORDINATOR, COURSE_RUN),
    "reporting.territories": Rule(COORDINATOR, REFERENCE),
    "reporting.territory": Rule(COORDINATOR, REFERENCE),
    "reporting.cohort": Rule(COORDINATOR, COURSE_RUN),
    "reporting.learner": Rule(COORDINATOR, FOLLOWED),
    "reporting.certificates": Rule(COORDINATOR, COURSE_RUN),
    # notifications: each person's settings (their own, no ids); links from a message need no
    # login (the signed token names the person); coordinators see what was sent in their runs
    "notifications.settings": Rule(ANY),
    "notifications.address": Rule(ANY),
    "notifications.forget_address": Rule(ANY),
    "notifications.preview_page": Rule(ANY),
    "notifications.unsubscribe": PUBLIC,
    "notifications.confirm": PUBLIC,
    "notifications.sent": Rule(COORDINATOR, COURSE_RUN),
    # sandbox: the demo platform (registered in demo mode only)
    "sandbox.course": PUBLIC,
    "sandbox.auth": PUBLIC,
    "sandbox.jwks": PUBLIC,
    "sandbox.deep_link_return": PUBLIC,
}


def rule_for(endpoint: str | None) -> Rule | None:
    """The policy line of an endpoint, or None when it has none."""
    return POLICY.get(endpoint or "")


def add_revocation_check(app: Flask, check: RevocationCheck) -> None:
    """Let a higher layer end sessions it no longer stands behind (called from its init_app)."""
    app.extensions.setdefault("catalyst_revocation_checks", []).append(check)


def _membership_gone(acting: Acting) -> str | None:
    if acting.platform_id is None or acting.context_pk is None:
        return None  # a local coordinator, or a launch without a course run
    found = db.session.scalar(
        select(
            exists().where(
                Membership.user_id == acting.user_id, Membership.context_id == acting.context_pk
            )
        )
    )
    return None if found else "membership removed"


def revoked(acting: Acting) -> str | None:
    """Why this acting session (cookie or launch token) no longer holds, or None."""
    checks = [_membership_gone, *current_app.extensions.get("catalyst_revocation_checks", [])]
    for check in checks:
        reason = check(acting)
        if reason:
            return reason
    return None


def enforce() -> None:
    """Before each request: end revoked sessions; refuse a role the endpoint's line does not allow.

    Fails closed: an endpoint without a line is refused (and logged).
    """
    if request.endpoint is None:
        return  # 404 / 405: nothing to protect
    rule = rule_for(request.endpoint)
    if rule is None:
        log.error("endpoint %s has no line in the policy table", request.endpoint)
        abort(403)
    acting = get_acting()
    reason = revoked(acting) if acting is not None else None
    if reason:
        log.warning("session of user %s ended: %s", acting.user_id, reason)
        clear_acting()
        logout_user()
        if not rule.public:
            session_expired()
    if not rule.public:
        require_acting(*rule.roles)
