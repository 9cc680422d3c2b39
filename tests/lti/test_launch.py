"""LTI 1.3 launches end to end over HTTP, against lti1p3platform acting as Open edX."""

from urllib.parse import urlsplit

import pytest

from catalyst_training.auth.models import Membership, ResourceLink, User
from catalyst_training.extensions import db
from tests.platform import TestPlatform


def me(platform, session):
    return session.get(platform.tool_base_url + "/api/me", timeout=5)


@pytest.mark.parametrize(
    ("role", "landing", "app_role"),
    [
        ("learner", "/learn/", "learner"),
        ("mentor", "/mentor/", "mentor"),
        ("coordinator", "/console/", "coordinator"),
    ],
)
def test_launch_each_role(platform, role, landing, app_role):
    session = TestPlatform.session()
    result = platform.launch(session, role, user_id=f"user-{role}")
    assert result.response.status_code == 303, result.response.text
    assert urlsplit(result.response.headers["Location"]).path == landing
    page = session.get(platform.tool_base_url + landing, timeout=5)
    assert page.status_code == 200
    data = me(platform, session).json()
    assert data["role"] == app_role
    assert data["sub"] == f"user-{role}"
    assert data["context"] == "course-v1:FUN+CAT+2026"
    assert data["resource_link"] == "rl1"


def test_launch_with_sub_only_records_everything(platform):
    session = TestPlatform.session()
    result = platform.launch(
        session, "learner", user_id="anon-42", custom={"module": "module-exemple"},
        ags={"lineitems_url": "https://edx.test/ags/lineitems",
             "lineitem_url": "https://edx.test/ags/lineitems/1"},
    )  # fmt: skip
    assert result.response.status_code == 303
    db.session.expire_all()
    user = db.session.scalars(db.select(User).filter_by(sub="anon-42")).one()
    assert user.name is None and user.email is None
    membership = db.session.scalars(db.select(Membership).filter_by(user_id=user.id)).one()
    assert membership.role == "learner"
    assert membership.lti_roles == ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]
    link = db.session.scalars(db.select(ResourceLink).filter_by(resource_link_id="rl1")).one()
    assert link.module_slug == "module-exemple"
    assert link.lineitem_url == "https://edx.test/ags/lineitems/1"
    page = session.get(platform.tool_base_url + "/learn/", timeout=5)
    assert "Module d&#39;exemple" in page.text or "Module d'exemple" in page.text


def test_name_and_email_kept_when_shared(platform):
    session = TestPlatform.session()
    platform.launch(session, "learner", user_id="u-named", name="Awa Diallo",
                    email="awa@example.org")  # fmt: skip
    db.session.expire_all()
    user = db.session.scalars(db.select(User).filter_by(sub="u-named")).one()
    assert (user.name, user.email) == ("Awa Diallo", "awa@example.org")


def test_relaunch_updates_instead_of_duplicating(platform):
    for role in ("learner", "mentor"):
        session = TestPlatform.session()
        assert platform.launch(session, role, user_id="same").response.status_code == 303
    db.session.expire_all()
    assert db.session.scalars(db.select(User).filter_by(sub="same")).all().__len__() == 1
    membership = db.session.scalars(db.select(Membership)).one()
    assert membership.role == "mentor"


def test_locale_of_the_launch_is_honoured(platform):
    session = TestPlatform.session()
    platform.launch(session, "learner", locale="en-GB")
    page = session.get(platform.tool_base_url + "/learn/", timeout=5)
    assert '<html lang="en">' in page.text
    session_fr = TestPlatform.session()
    platform.launch(session_fr, "learner", user_id="fr-user", locale="fr-FR")
    assert '<html lang="fr">' in session_fr.get(platform.tool_base_url + "/learn/").text


def test_jwks_fetched_once_for_many_launches(platform):
    for i in range(4):
        session = TestPlatform.session()
        assert platform.launch(session, "learner", user_id=f"u{i}").response.status_code == 303
    assert platform.jwks_fetches == 1


def test_new_platform_key_is_fetched_on_unknown_kid(platform):
    session = TestPlatform.session()
    assert platform.launch(session, "learner").response.status_code == 303
    platform.rotate_key()
    session = TestPlatform.session()
    assert platform.launch(session, "learner", user_id="after").response.status_code == 303
    assert platform.jwks_fetches == 2


def test_two_client_ids_on_one_issuer(platform, live, cli):
    with TestPlatform(live.base_url, issuer=platform.issuer) as second:
        assert cli("platform", "add", *second.register_cli_args()).exit_code == 0
        for plat in (platform, second):
            session = TestPlatform.session()
            assert plat.launch(session, "learner", user_id="canvas").response.status_code == 303
    # Same sub on two registrations is two users: identities are per platform.
    db.session.expire_all()
    assert len(db.session.scalars(db.select(User).filter_by(sub="canvas")).all()) == 2


def test_mentor_page_lists_learners_of_the_context(platform):
    learner = TestPlatform.session()
    platform.launch(learner, "learner", user_id="learner-a", name="Léa Martin")
    mentor = TestPlatform.session()
    platform.launch(mentor, "mentor", user_id="mentor-a")
    page = mentor.get(platform.tool_base_url + "/mentor/", timeout=5)
    assert "Léa Martin" not in page.text  # mentors see the learners of their cohorts only
    _cohort_with("learner-a", "mentor-a")
    page = mentor.get(platform.tool_base_url + "/mentor/", timeout=5)
    assert "Léa Martin" in page.text
    # A learner cannot open the mentor page.
    assert learner.get(platform.tool_base_url + "/mentor/").status_code == 403
    assert learner.get(platform.tool_base_url + "/console/").status_code == 403


def _cohort_with(learner_sub: str, mentor_sub: str) -> None:
    """Put a learner and a mentor in one cohort of the launched course run (mentoring domain)."""
    from catalyst_training.auth.models import Context, User
    from catalyst_training.core.models import utcnow
    from catalyst_training.extensions import db
    from catalyst_training.mentoring import placement, territories

    context = db.session.scalars(db.select(Context)).one()
    cohort = territories.create_cohort(
        "Lyon", "lyon", territories.create_territory("Lyon", "69123"), context.id
    )
    users = {u.sub: u for u in db.session.scalars(db.select(User))}
    territories.add_mentor(cohort, users[mentor_sub])
    placement.place_from_launch(users[learner_sub].id, context.id, "learner",
                                {"cohort": "lyon"}, utcnow())  # fmt: skip
    db.session.commit()
