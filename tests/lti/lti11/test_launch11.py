"""LTI 1.1 launches from an oauthlib-signed consumer: same users, roles and pages as LTI 1.3."""

from __future__ import annotations

from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from sqlalchemy import select

from catalyst_training.auth.models import Context, Membership, ResourceLink, User
from catalyst_training.extensions import db
from catalyst_training.lti.lti11.models import Lti11Outcome
from catalyst_training.mentoring.models import CohortMember
from catalyst_training.mentoring.territories import create_cohort, create_territory
from tests.lti.lti11.conftest import browser, consumer_row, me, user_of
from tests.platform import TestPlatform

SLUG = "module-exemple"


@pytest.mark.parametrize(
    ("roles", "role", "landing"),
    [
        ("Student", "learner", "/learn/"),
        ("Learner", "learner", "/learn/"),
        ("urn:lti:role:ims/lis/Learner", "learner", "/learn/"),
        ("Instructor", "mentor", "/mentor/"),
        ("urn:lti:role:ims/lis/TeachingAssistant", "mentor", "/mentor/"),
        ("Administrator", "coordinator", "/console/"),
        ("urn:lti:instrole:ims/lis/Administrator,Student", "coordinator", "/console/"),
    ],
)
def test_each_role_lands_on_its_home(consumer, live, roles, role, landing):
    session = browser()
    resp = consumer.launch(session, roles, user_id=f"u-{role}")
    assert resp.status_code == 303, resp.text[:500]
    location = urlsplit(resp.headers["Location"])
    assert location.path.startswith(landing)
    assert parse_qs(location.query).get("lt")  # cookie-less token, as for 1.3 launches
    status, data = me(session, live.base_url)
    assert status == 200 and data["role"] == role and data["sub"] == f"u-{role}"
    assert data["module"] == SLUG
    page = session.get(urljoin(live.base_url, resp.headers["Location"]), timeout=10)
    assert page.status_code == 200


def test_identity_context_link_and_custom_parameters(consumer, live):
    resp = consumer.launch(
        browser(), "Student", user_id="a1b2c3", lis_person_name_full="Camille Martin",
        lis_person_contact_email_primary="camille@example.org", launch_presentation_locale="en-GB",
        custom_cohort="none-yet",
    )  # fmt: skip
    assert resp.status_code == 303
    user = user_of(consumer, "a1b2c3")
    assert (user.name, user.email, user.locale) == (
        "Camille Martin",
        "camille@example.org",
        "en-GB",
    )
    row = consumer_row(consumer)
    context = db.session.scalars(select(Context).filter_by(platform_id=row.id)).one()
    assert (context.context_id, context.title) == (consumer.course, "Catalyseurs territoriaux")
    link = db.session.scalars(select(ResourceLink).filter_by(platform_id=row.id)).one()
    assert link.module_slug == SLUG and link.title == "Module d'exemple"
    assert link.lineitem_url is None and link.ags_scopes is None
    member = db.session.scalars(select(Membership).filter_by(user_id=user.id)).one()
    assert member.role == "learner" and member.lti_roles == ["Student"]
    assert member.custom == {"module": SLUG, "cohort": "none-yet"}
    # No outcome service sent (e.g. an ungraded component): nothing stored for Basic Outcomes.
    assert db.session.scalars(select(Lti11Outcome)).first() is None


def test_open_edx_without_name_or_email_works_on_user_id(consumer, live, app):
    session = browser()
    assert consumer.launch(session, "Student", user_id="anonymous-7f3a").status_code == 303
    user = user_of(consumer, "anonymous-7f3a")
    assert user.name is None and user.email is None
    page = session.get(f"{live.base_url}/learn/", timeout=10)
    assert page.status_code == 200
    with app.test_request_context():
        assert user.display_name == "Participant anonymou"


def test_outcome_service_is_stored_per_learner_and_link_and_updated(consumer, live):
    url = "https://lms.fun-mooc.fr/courses/x/xblock/y/handler_noauth/outcome_service_handler"
    for sourcedid in ("course:block:student-1", "course:block:student-1:v2"):
        resp = consumer.launch(
            browser(),
            "Student",
            user_id="student-1",
            lis_outcome_service_url=url,
            lis_result_sourcedid=sourcedid,
        )
        assert resp.status_code == 303
    db.session.expire_all()
    (row,) = db.session.scalars(select(Lti11Outcome)).all()
    assert (row.service_url, row.sourcedid) == (url, "course:block:student-1:v2")
    assert row.user_id == user_of(consumer, "student-1").id


def test_cohort_and_territory_custom_parameters_place_learners_and_mentors(consumer, live):
    assert consumer.launch(browser(), "Instructor", user_id="mentor-1").status_code == 303
    context = db.session.scalars(select(Context)).one()
    territory = create_territory("Lyon", "69123")
    cohort = create_cohort("Lyon 2026", "lyon", territory, context.id)
    db.session.commit()
    assert consumer.launch(browser(), "Student", user_id="s1", custom_cohort="lyon").status_code
    assert consumer.launch(browser(), "Instructor", user_id="mentor-1",
                           custom_cohort="lyon").status_code == 303  # fmt: skip
    db.session.expire_all()
    member = db.session.scalars(select(CohortMember)).one()
    assert member.cohort_id == cohort.id and member.user_id == user_of(consumer, "s1").id
    assert [m.sub for m in db.session.get(type(cohort), cohort.id).mentors] == ["mentor-1"]


def test_generic_launch_url_accepts_a_1p1_post(consumer, live):
    url = f"{live.base_url}/lti/launch"
    session = browser()
    resp = consumer.launch(session, "Student", user_id="via-launch", url=url)
    assert resp.status_code == 303, resp.text[:300]
    assert me(session, live.base_url)[1]["sub"] == "via-launch"


def test_users_are_per_platform_no_collision_with_lti13(consumer, platform, live):
    same = "shared-id-42"
    assert platform.launch(TestPlatform.session(), "learner", user_id=same).response.status_code
    assert consumer.launch(browser(), "Student", user_id=same).status_code == 303
    db.session.expire_all()
    users = db.session.scalars(select(User).filter_by(sub=same)).all()
    assert len(users) == 2 and len({u.platform_id for u in users}) == 2


def test_signature_over_the_public_base_url_behind_a_proxy(consumer, live, app):
    app.config["BASE_URL"] = "https://catalyst.example.org"
    public = "https://catalyst.example.org/lti/launch11"
    fields = consumer.sign(consumer.params("Student", "proxied"), url=public)
    resp = consumer.post(browser(), fields)  # reaches the app over http://127.0.0.1
    assert resp.status_code == 303, resp.text[:300]


def test_signature_over_the_forwarded_url_with_trusted_proxies(consumer, live, app):
    from werkzeug.middleware.proxy_fix import ProxyFix

    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)
    public = "https://tool.example.net/lti/launch11"
    fields = consumer.sign(consumer.params("Student", "behind-nginx"), url=public)
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "tool.example.net",
                 "X-Forwarded-For": "203.0.113.9"}  # fmt: skip
    resp = consumer.post(browser(), fields, headers=forwarded)
    assert resp.status_code == 303, resp.text[:300]
    # Without the forwarded headers the same kind of launch no longer matches the signature.
    fields = consumer.sign(consumer.params("Student", "behind-nginx"), url=public)
    assert consumer.post(browser(), fields).status_code == 401


def test_secret_never_reaches_the_logs(consumer, live, caplog):
    with caplog.at_level("DEBUG"):
        consumer.launch(browser(), "Student", user_id="quiet")
        consumer.launch(browser(), "Student", user_id="quiet", lti_version="LTI-2p0")
    assert consumer.secret not in caplog.text


def test_cookie_less_iframe_gets_there_with_the_launch_token(consumer, live):
    import requests

    no_cookies = requests.Session()  # plain http: the Secure session cookie never comes back
    resp = consumer.launch(no_cookies, "Student", user_id="third-party-cookies-blocked")
    assert resp.status_code == 303
    page = no_cookies.get(urljoin(live.base_url, resp.headers["Location"]), timeout=10)
    assert page.status_code == 200 and urlsplit(page.url).path == f"/learn/m/{SLUG}/"
    token = parse_qs(urlsplit(resp.headers["Location"]).query)["lt"][0]
    api = no_cookies.get(f"{live.base_url}/api/me", headers={"X-Launch-Token": token}, timeout=10)
    assert api.status_code == 200 and api.json()["sub"] == "third-party-cookies-blocked"
