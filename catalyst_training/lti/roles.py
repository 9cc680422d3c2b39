"""The role mapping table: LTI roles (both vocabularies) to the app's three roles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..auth import roles

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"

# Keys are the role's local name after the vocabulary prefix; sub-roles keep their '#'.
DEFAULT_MAP: dict[str, str] = {
    "membership#Learner": roles.LEARNER,
    "membership/Learner#Learner": roles.LEARNER,
    "institution/person#Student": roles.LEARNER,
    "institution/person#Learner": roles.LEARNER,
    "membership#Instructor": roles.MENTOR,
    "membership/Instructor#TeachingAssistant": roles.MENTOR,
    "membership#TeachingAssistant": roles.MENTOR,
    "membership#Mentor": roles.MENTOR,
    "membership/Mentor#Mentor": roles.MENTOR,
    "membership/Mentor#Advisor": roles.MENTOR,
    "membership/Mentor#Reviewer": roles.MENTOR,
    "membership/Mentor#Tutor": roles.MENTOR,
    "institution/person#Instructor": roles.MENTOR,
    "institution/person#Faculty": roles.MENTOR,
    "institution/person#Mentor": roles.MENTOR,
    "membership#Administrator": roles.COORDINATOR,
    "membership#ContentDeveloper": roles.COORDINATOR,
    "membership#Manager": roles.COORDINATOR,
    "membership/Manager#CourseCoordinator": roles.COORDINATOR,
    "institution/person#Administrator": roles.COORDINATOR,
    "system/person#Administrator": roles.COORDINATOR,
    "system/person#SysAdmin": roles.COORDINATOR,
}

# LTI 1.1 short names and their 1.3 equivalents.
SHORT_NAMES = {
    "Learner": "membership#Learner",
    "Student": "institution/person#Student",
    "Instructor": "membership#Instructor",
    "TeachingAssistant": "membership#TeachingAssistant",
    "Mentor": "membership#Mentor",
    "ContentDeveloper": "membership#ContentDeveloper",
    "Administrator": "institution/person#Administrator",
    "Manager": "membership#Manager",
}


def normalise(role: str) -> str:
    """Reduce an LTI role URI (or 1.1 short/URN form) to a key of the mapping table."""
    role = role.strip()
    if role.startswith(LIS):
        return role[len(LIS) :]
    if role.startswith("urn:lti:"):
        # urn:lti:role:ims/lis/Instructor, urn:lti:instrole:ims/lis/Administrator
        kind, _, name = role[len("urn:lti:") :].partition(":ims/lis/")
        name = name.replace("/", "#", 1) if "/" in name else name
        base = "institution/person#" if kind in ("instrole", "sysrole") else "membership#"
        return (
            SHORT_NAMES.get(name.split("#")[0], base + name)
            if "#" not in name
            else ("membership/" + name)
        )
    return SHORT_NAMES.get(role, role)


def map_roles(lti_roles: Iterable[str], overrides: Mapping[str, str] | None = None) -> str | None:
    """The highest app role granted by a list of LTI roles, or None when none is known."""
    table = dict(DEFAULT_MAP)
    for key, value in (overrides or {}).items():
        table[normalise(key)] = value
    granted = {table[k] for k in (normalise(r) for r in lti_roles) if k in table}
    return roles.highest(granted)
