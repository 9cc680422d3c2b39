"""SMTP down then up, refusals, consent, addresses and tenancy, over a real SMTP server."""

from __future__ import annotations

from catalyst_training.extensions import db
from catalyst_training.notifications import consent
from catalyst_training.notifications.models import LEARNER, MENTOR, OFF, NotificationEvent
from tests.mentoring.helpers import add_platform_b, login, submit_work
from tests.notifications.helpers import drain, evening_clock, messages, text_of


def test_smtp_down_then_up_nothing_lost_nothing_sent_twice(app, smtp, world):
    clock = evening_clock(app)
    smtp.stop()
    submit_work(world.learner_a.id)
    submit_work(world.learner_b.id)
    counts = drain(clock)
    assert counts["mail_pending"] == 2 and not counts["mail_delivered"]
    rows = messages()
    assert {r.state for r in rows} == {"pending"}
    assert all("unreachable" in r.last_error for r in rows)
    first_ids = {r.id: r.message_id for r in rows}

    assert not drain(clock)  # not due yet: the backoff holds them
    smtp.start()  # the server is back on the same port
    clock.advance(120)
    assert drain(clock)["mail_delivered"] == 2
    assert len(smtp.collector.to("mentor.a@example.org")) == 1
    assert len(smtp.collector.to("mentor.b@example.org")) == 1
    # The retry kept the Message-ID fixed at the first attempt.
    assert {r.id: r.message_id for r in messages()} == first_ids
    received = {m["Message-ID"] for _f, _t, m in smtp.collector.messages}
    assert received == set(first_ids.values())
    clock.advance(3600)
    assert not drain(clock)
    assert len(smtp.collector.messages) == 2


def test_a_refusal_is_dead_and_shown_to_coordinators(app, smtp, world):
    clock = evening_clock(app)
    smtp.collector.refuse.add("mentor.a@example.org")
    submit_work(world.learner_a.id)
    assert drain(clock)["mail_dead"] == 1
    row = messages()[0]
    assert row.state == "dead" and row.response_status == 550
    assert "mailbox unavailable" in row.last_error
    clock.advance(7200)
    assert not drain(clock)  # a refusal is not retried

    client = app.test_client()
    login(client, world.coordinator, "coordinator", world.context.id)
    page = client.get("/console/notifications/").get_data(as_text=True)
    assert "mailbox unavailable" in page
    assert "mentor.a@example.org" not in page  # never an address
    assert "Learner A" not in page and "Mentor A" not in page  # never a name nor content


def test_no_message_without_consent_or_address(app, smtp, world):
    clock = evening_clock(app)
    consent.set_mode(world.mentor_a.id, MENTOR, OFF)
    world.mentor_b.email = None  # the platform shared no address, none given
    db.session.commit()
    submit_work(world.learner_a.id)
    submit_work(world.learner_b.id)
    assert not drain(clock)
    assert smtp.collector.messages == []
    assert messages() == []
    # Nothing is even kept for them.
    assert db.session.query(NotificationEvent).count() == 0


def test_consent_withdrawn_after_the_event_means_no_message(app, smtp, world):
    clock = evening_clock(app)
    submit_work(world.learner_a.id)
    consent.set_mode(world.mentor_a.id, MENTOR, OFF)  # before the digest is sent
    db.session.commit()
    drain(clock)
    assert smtp.collector.messages == []


def test_tenancy_no_message_carries_another_platforms_data(app, smtp, world):
    clock = evening_clock(app)
    other = add_platform_b(world)
    other.mentor.email = "mentor.b-platform@example.org"
    other.learner.email = "learner.b-platform@example.org"
    # A careless placement: platform B's mentor made mentor of platform A's cohort.
    from catalyst_training.mentoring import territories

    territories.add_mentor(world.cohort_a, other.mentor)
    db.session.commit()
    submit_work(world.learner_a.id, "Texte de la plateforme A.")
    drain(clock)
    assert smtp.collector.to("mentor.b-platform@example.org") == []
    told = smtp.collector.to("mentor.a@example.org")
    assert len(told) == 1
    everything = "\n".join(text_of(m) for _f, _t, m in smtp.collector.messages)
    assert "Learner of B" not in everything and "Session B" not in everything
    # The coordinator of platform B sees none of platform A's messages.
    client = app.test_client()
    login(client, other.coordinator, "coordinator", other.context.id)
    page = client.get("/console/notifications/").get_data(as_text=True)
    assert "Aucun message pour l'instant." in page


def test_a_learner_who_opted_out_gets_nothing_when_work_is_returned(app, smtp, world):
    from catalyst_training.learning.modules import current_module
    from catalyst_training.mentoring import leases, review

    clock = evening_clock(app)
    sub = submit_work(world.learner_a.id)
    drain(clock)
    consent.set_mode(world.learner_a.id, LEARNER, OFF)
    module, _v = current_module(sub.module_slug)
    draft = review.Draft(levels={}, comment="", private_note="", reason="À revoir.")
    assert leases.claim(sub.id, world.mentor_a.id, clock.now())
    review.decide(sub, module, world.mentor_a.id, "return", draft, clock.now())
    db.session.commit()
    drain(clock)
    assert smtp.collector.to("learner.a@example.org") == []
