"""Placement by LTI Course Groups at launch: after the custom parameter, before self-selection."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from catalyst_training.auth.models import Context, User
from catalyst_training.extensions import db
from catalyst_training.lti.groups import with_user
from catalyst_training.mentoring import territories
from catalyst_training.mentoring.models import AuditEntry, CohortMember
from tests.platform import TestPlatform


@pytest.fixture
def course(platform):
    """A mentor opened the course run; it has a Lyon and a Corse cohort."""
    result = platform.launch(TestPlatform.session(), "mentor", user_id="mentor-1")
    assert result.response.status_code == 303
    context = db.session.scalars(select(Context)).one()
    lyon = territories.create_territory("Lyon", "69123")
    corse = territories.create_territory("Corse-du-Sud", "2A")
    territories.create_cohort("Cohorte Lyon", "lyon", lyon, context.id)
    territories.create_cohort("Cohorte Corse", "corse", corse, context.id)
    db.session.commit()
    return context


def launch_learner(platform, sub="learner-1", **options):
    """A learner's launch offering the groups service; returns the landing path."""
    result = platform.launch(
        TestPlatform.session(), "learner", user_id=sub, extra_claims=platform.groups.claim(),
        **options,
    )  # fmt: skip
    assert result.response.status_code == 303, result.response.text
    return urlsplit(result.response.headers["Location"]).path


def placement_of(sub):
    """(cohort slug, source) of a learner, or None."""
    db.session.expire_all()
    user = db.session.scalars(select(User).filter_by(sub=sub)).one()
    member = db.session.scalars(select(CohortMember).filter_by(user_id=user.id)).first()
    return (member.cohort.slug, member.source) if member else None


def allow_self_selection(context):
    """The coordinator lets learners pick their territory."""
    territories.settings_for(context.id).learners_pick_territory = True
    db.session.commit()


def test_with_user_keeps_the_query():
    assert with_user("https://p/g?Ctx=AbC&user_id=x", "u 1") == "https://p/g?Ctx=AbC&user_id=u+1"


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        ({"name": "Groupe 1", "tag": "lyon"}, "lyon"),  # tag = cohort slug
        ({"name": "Corse"}, "corse"),  # slugified name = cohort slug
        ({"name": "Équipe Sud", "tag": "2a"}, "corse"),  # tag = territory code
        ({"name": "69123"}, "lyon"),  # name = territory code
    ],
)
def test_launch_places_the_learner_in_the_group_cohort(platform, course, group, expected):
    allow_self_selection(course)  # a matching group wins over self-selection
    groups = platform.groups
    groups.add("g0", "Projet tutoré", "learner-1", set_id="s1")  # matches no cohort
    groups.add("g1", group.pop("name"), "learner-1", **group)
    groups.add("g2", "Cohorte Lyon", "learner-2")  # another learner's group
    assert launch_learner(platform) == "/learn/"
    assert placement_of("learner-1") == (expected, "course_group")
    assert len(groups.requests) == 2  # both pages, page size 1
    assert all("user_id=learner-1" in url for url in groups.requests)
    entry = db.session.scalars(select(AuditEntry).filter_by(action="cohort.place")).one()
    assert entry.details["source"] == "course_group" and entry.details["group"] == "g1"


def test_no_matching_group_falls_through_to_self_selection(platform, course):
    platform.groups.add("g0", "Projet tutoré", "learner-1")
    assert launch_learner(platform) == "/learn/"
    assert placement_of("learner-1") is None  # unplaced: self-selection is off
    allow_self_selection(course)
    assert launch_learner(platform, sub="learner-2") == "/mentor/territory"


@pytest.mark.parametrize("status", [500, 401])
def test_groups_service_failure_never_fails_the_launch(platform, course, status):
    allow_self_selection(course)
    platform.groups.add("g1", "Lyon", "learner-1", tag="lyon")
    platform.groups.status = status
    assert launch_learner(platform) == "/mentor/territory"
    assert placement_of("learner-1") is None
    assert platform.groups.requests  # it was asked, and its failure ignored


def test_unreachable_groups_service_never_fails_the_launch(platform, course):
    claim = platform.groups.claim()
    service = next(iter(claim.values()))
    service["context_groups_url"] = "http://127.0.0.1:9/groups"  # nothing listens there
    result = platform.launch(
        TestPlatform.session(), "learner", user_id="learner-1", extra_claims=claim
    )
    assert result.response.status_code == 303
    assert placement_of("learner-1") is None


def test_custom_parameter_wins_over_groups(platform, course):
    platform.groups.add("g1", "Lyon", "learner-1", tag="lyon")
    launch_learner(platform, custom={"cohort": "corse"})
    assert placement_of("learner-1") == ("corse", "launch")
    assert platform.groups.requests == []  # not even asked


def test_group_placement_follows_the_platform_but_not_a_coordinator(platform, course):
    platform.groups.add("g1", "Groupe 1", "learner-1", tag="lyon")
    launch_learner(platform)
    assert placement_of("learner-1") == ("lyon", "course_group")
    platform.groups.groups[0]["tag"] = "corse"  # the platform moved the group
    launch_learner(platform)
    assert placement_of("learner-1") == ("corse", "course_group")
    member = db.session.scalars(select(CohortMember)).one()
    member.source = "coordinator"
    db.session.commit()
    asked = len(platform.groups.requests)
    platform.groups.groups[0]["tag"] = "lyon"
    launch_learner(platform)
    assert placement_of("learner-1") == ("corse", "coordinator")
    assert len(platform.groups.requests) == asked  # placed by hand: groups not fetched


def test_groups_matching_two_cohorts_place_nobody(platform, course):
    platform.groups.add("g1", "Lyon", "learner-1", tag="lyon")
    platform.groups.add("g2", "Corse", "learner-1")
    launch_learner(platform)
    assert placement_of("learner-1") is None
