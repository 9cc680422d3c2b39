"""The app's three roles and their ordering."""

from __future__ import annotations

LEARNER = "learner"
MENTOR = "mentor"
COORDINATOR = "coordinator"
ROLES = (LEARNER, MENTOR, COORDINATOR)
RANK = {LEARNER: 0, MENTOR: 1, COORDINATOR: 2}


def highest(roles: list[str] | set[str]) -> str | None:
    """The most privileged of several app roles, or None."""
    known = [r for r in roles if r in RANK]
    return max(known, key=RANK.__getitem__) if known else None
