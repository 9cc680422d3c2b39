"""Settings for every role, the coordinators' weekly summary and list, the demo's preview."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from catalyst_training.auth import personal_data
from catalyst_training.extensions import db
from catalyst_training.notifications import consent
from catalyst_training.notifications.models import (
    COORDINATOR,
    LEARNER,
    MENTOR,
    NotificationEvent,
    NotificationMessage,
)
from tests.credentials.helpers import complete_programme
from tests.mentoring.helpers import csrf_token, login, submit_work
from tests.notifications.helpers import drain, evening_clock, messages, text_of


def test_each_role_sees_and_changes_its_settings_from_the_layout(app, world):
    for person, role, field, value, audience, expected in (
        (world.learner_a, "learner", "learner", "", LEARNER, "off"),
        (world.mentor_a, "mentor", "mentor", "immediate", MENTOR, "immediate"),
        (world.coordinator, "coordinator", "coordinator", "y", COORDINATOR, "weekly"),
    ):
        client = app.test_client()
        login(client, person, role, world.context.id)
        home = client.get("/notifications/preview")
        assert 'href="/notifications/"' in home.get_data(as_text=True)  # the layout's link
        page = client.get("/notifications/").get_data(as_text=True)
        assert f'name="{field}"' in page
        data = {"csrf_token": csrf_token(client), "mentor": "daily"}
        if value:
            data[field] = value
        response = client.post("/notifications/", data=data)
        assert response.status_code == 303
        db.session.expire_all()
        assert consent.mode_of(person.id, audience) == expected
    bad = client.post("/notifications/", data={"csrf_token": csrf_token(client), "mentor": "x"})
    assert bad.status_code in (303, 422)


def test_a_mentor_cannot_choose_a_mode_that_does_not_exist(app, world):
    client = app.test_client()
    login(client, world.mentor_a, "mentor", world.context.id)
    response = client.post(
        "/notifications/", data={"csrf_token": csrf_token(client), "mentor": "hourly"}
    )
    assert response.status_code == 422
    assert consent.mode_of(world.mentor_a.id, MENTOR) == "daily"


def test_pages_need_a_session_and_the_list_a_coordinator(app, world):
    anonymous = app.test_client()
    for path in ("/notifications/", "/notifications/preview", "/console/notifications/"):
        assert anonymous.get(path).status_code == 401
    mentor = app.test_client()
    login(mentor, world.mentor_a, "mentor", world.context.id)
    assert mentor.get("/console/notifications/").status_code == 403


def test_coordinators_weekly_summary_is_opt_in(app, smtp, world):
    clock = evening_clock(app)
    submit_work(world.learner_a.id)
    drain(clock)
    assert smtp.collector.to("coord@example.org") == []  # opt-in: nothing by default
    consent.set_mode(world.coordinator.id, COORDINATOR, "weekly")
    db.session.commit()
    drain(clock)
    summary = smtp.collector.to("coord@example.org")
    assert len(summary) == 1
    text = text_of(summary[0])
    assert "Session 1" in text and "Travaux en attente d'évaluation\u00a0: 1" in text
    assert "Nouveaux apprenants\u00a0: 2" in text
    clock.advance(3 * 86400)
    drain(clock)
    assert len(smtp.collector.to("coord@example.org")) == 1  # once a week
    clock.advance(4 * 86400)
    drain(clock)
    assert len(smtp.collector.to("coord@example.org")) == 2


def test_learner_told_of_completion_with_the_certificate(app, smtp, world):
    clock = evening_clock(app)
    complete_programme(world)
    drain(clock)
    mails = smtp.collector.to("learner.a@example.org")
    assert len(mails) == 1  # approval, module and programme completion: one message
    text = text_of(mails[0])
    assert "approved" in text and "completed the whole programme" in text, text
    from catalyst_training.credentials.models import Certificate

    code = db.session.scalar(
        select(Certificate.code).where(Certificate.user_id == world.learner_a.id)
    )
    assert f"https://tool.example/verify/{code}" in text


def test_newly_stalled_learners_reach_their_mentors_once(app, smtp, world):
    from catalyst_training.learning.models import ModuleProgress

    clock = evening_clock(app)
    row = ModuleProgress(
        user_id=world.learner_b.id,
        module_slug="module-exemple",
        status="in_progress",
        last_activity_at=clock.now() - timedelta(days=15),
    )
    db.session.add(row)
    db.session.commit()
    drain(clock)
    told = smtp.collector.to("mentor.b@example.org")
    assert len(told) == 1 and "Learner B" in text_of(told[0])
    assert "sans activité depuis 14 jours" in text_of(told[0])
    assert smtp.collector.to("mentor.a@example.org") == []
    clock.advance(86400)
    drain(clock)
    assert len(smtp.collector.to("mentor.b@example.org")) == 1  # still stalled: told once


def test_a_lease_about_to_end_is_told_to_an_immediate_mentor(app, smtp, world):
    from catalyst_training.mentoring import leases

    clock = evening_clock(app)
    consent.set_mode(world.mentor_a.id, MENTOR, "immediate")
    sub = submit_work(world.learner_a.id)
    db.session.commit()
    drain(clock)
    assert len(smtp.collector.to("mentor.a@example.org")) == 1
    assert leases.claim(sub.id, world.mentor_a.id, clock.now())
    db.session.commit()
    clock.advance(11 * 60)  # 4 minutes left of 15
    drain(clock)
    mails = smtp.collector.to("mentor.a@example.org")
    assert len(mails) == 2 and "réservées" in text_of(mails[1])


def test_demo_without_smtp_sends_nothing_and_shows_a_preview(app, world):
    app.config["DEMO"] = True  # the demo's setup: no SMTP_URL
    clock = evening_clock(app)
    submit_work(world.learner_a.id)
    assert not drain(clock)
    assert messages() == []
    client = app.test_client()
    login(client, world.mentor_a, "mentor", world.context.id)
    settings = client.get("/notifications/").get_data(as_text=True)
    assert "aucun courriel n'est envoyé" in settings
    preview = client.get("/notifications/preview").get_data(as_text=True)
    assert "Learner A" in preview and "Nouveaux travaux remis" in preview
    assert db.session.scalar(select(NotificationEvent.message_row_id)) is None


def test_personal_data_export_and_erasure(app, smtp, world):
    clock = evening_clock(app)
    submit_work(world.learner_a.id)
    drain(clock)
    exported = personal_data.export(world.mentor_a)
    found = exported.get("notifications") or exported
    text = repr(found)
    assert "notification_messages" in text and "notification_events" in text
    personal_data.erase([world.learner_a.id])
    db.session.commit()
    assert db.session.scalar(select(NotificationEvent.id)) is None  # events about the learner
    assert db.session.query(NotificationMessage).count() == 1  # the mentor's message record
