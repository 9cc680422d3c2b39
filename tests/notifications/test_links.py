"""Links from a message, without a session: unsubscribe (page, button, RFC 8058) and confirm."""

from __future__ import annotations

import re

from flask import g

from catalyst_training.extensions import db
from catalyst_training.notifications import addresses, consent
from catalyst_training.notifications.models import MENTOR, OFF, NotificationPreference
from catalyst_training.notifications.tokens import unsubscribe_token
from tests.learning.helpers import csrf
from tests.mentoring.helpers import csrf_token, login, submit_work
from tests.notifications.helpers import drain, evening_clock, text_of

UNSUBSCRIBE = re.compile(r"<https://tool\.example(/notifications/unsubscribe/[^>]+)>")


def _unsubscribe_path(smtp, address: str) -> str:
    return UNSUBSCRIBE.fullmatch(smtp.collector.to(address)[-1]["List-Unsubscribe"]).group(1)


def test_unsubscribe_page_needs_no_login_and_a_get_changes_nothing(app, smtp, world):
    clock = evening_clock(app)
    submit_work(world.learner_a.id)
    drain(clock)
    path = _unsubscribe_path(smtp, "mentor.a@example.org")
    browser = app.test_client()  # no session at all
    page = browser.get(path)
    assert page.status_code == 200
    assert "Me désinscrire" in page.get_data(as_text=True)
    assert consent.mode_of(world.mentor_a.id, MENTOR) == "daily"  # a link scanner's GET
    # The button's POST without its CSRF token is refused; with it, done.
    assert browser.post(path).status_code == 400
    token = csrf(page.get_data(as_text=True))
    done = browser.post(path, data={"csrf_token": token})
    assert done.status_code == 200
    assert "vous ne recevrez plus" in done.get_data(as_text=True)
    db.session.expire_all()
    assert consent.mode_of(world.mentor_a.id, MENTOR) == OFF
    # Idempotent: again, and the page says it is done.
    again = browser.post(path, data={"csrf_token": token})
    assert again.status_code == 200
    assert db.session.query(NotificationPreference).count() == 1
    assert "vous ne recevrez plus" in browser.get(path).get_data(as_text=True)
    submit_work(world.learner_b.id)  # mentor B's cohort: still told

    clock.advance(86400)
    drain(clock)
    assert len(smtp.collector.to("mentor.a@example.org")) == 1


def test_one_click_unsubscribe_rfc8058(app, smtp, world):
    clock = evening_clock(app)
    submit_work(world.learner_a.id)
    drain(clock)
    path = _unsubscribe_path(smtp, "mentor.a@example.org")
    mail_client = app.test_client()
    for _ in range(2):  # idempotent
        response = mail_client.post(path, data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 204
    db.session.expire_all()
    assert consent.mode_of(world.mentor_a.id, MENTOR) == OFF


def test_forged_or_altered_tokens_are_refused(app, world):
    client = app.test_client()
    good = unsubscribe_token(world.mentor_a.id, MENTOR)
    assert client.get(f"/notifications/unsubscribe/{good}x").status_code == 404
    assert (
        client.post(
            f"/notifications/unsubscribe/{good}x", data={"List-Unsubscribe": "One-Click"}
        ).status_code
        == 404
    )
    assert client.get("/notifications/unsubscribe/abc").status_code == 404
    assert client.get("/notifications/confirm/abc").status_code == 404
    app.config["SECRET_KEY"] = "another-instance"
    assert client.get(f"/notifications/unsubscribe/{good}").status_code == 404


def test_an_address_given_in_the_tool_is_used_once_confirmed(app, smtp, world):
    clock = evening_clock(app)
    world.mentor_a.email = None  # Open edX shares no email by default
    db.session.commit()
    client = app.test_client()
    login(client, world.mentor_a, "mentor", world.context.id)
    settings = client.get("/notifications/")
    assert settings.status_code == 200
    assert "ne transmet pas d'adresse" in settings.get_data(as_text=True)
    bad = client.post(
        "/notifications/address",
        data={"email": "pas-une-adresse", "csrf_token": csrf_token(client)},
    )
    assert bad.status_code == 422
    response = client.post(
        "/notifications/address",
        data={"email": "moi@exemple.fr", "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 303
    submit_work(world.learner_a.id)  # not confirmed yet: not used
    drain(clock)
    received = smtp.collector.to("moi@exemple.fr")
    assert len(received) == 1  # only the confirmation
    confirmation = received[0]
    assert "List-Unsubscribe" not in confirmation
    link = re.search(r"https://tool\.example(/notifications/confirm/\S+)", text_of(confirmation))
    assert addresses.address_of(world.mentor_a.id) is None

    stranger = app.test_client()  # the link opens in any browser, without a session
    g.pop("csrf_token", None)  # Flask-WTF's cache outlives requests in the test's app context
    page = stranger.get(link.group(1))
    assert page.status_code == 200 and addresses.address_of(world.mentor_a.id) is None
    done = stranger.post(link.group(1), data={"csrf_token": csrf(page.get_data(as_text=True))})
    assert done.status_code == 200 and "Adresse confirmée" in done.get_data(as_text=True)
    db.session.expire_all()
    assert addresses.address_of(world.mentor_a.id) == "moi@exemple.fr"

    submit_work(world.learner_b.id)  # other cohort: nothing for mentor A
    from catalyst_training.learning.models import Submission

    sub = db.session.query(Submission).filter_by(user_id=world.learner_a.id).one()
    assert sub.state == "submitted"
    clock.advance(86400)
    from tests.mentoring.helpers import user

    newcomer = user(world.platform, world.context, "l-n", "learner", "Learner N")
    from catalyst_training.mentoring import placement

    placement.place_from_launch(
        newcomer.id, world.context.id, "learner", {"cohort": "lyon"}, clock.now()
    )
    db.session.commit()
    submit_work(newcomer.id)
    drain(clock)
    digests = smtp.collector.to("moi@exemple.fr")
    assert len(digests) == 2 and "Learner N" in text_of(digests[-1])
    # The address is shown to nobody else: not on the coordinator's page.
    coord = app.test_client()
    login(coord, world.coordinator, "coordinator", world.context.id)
    assert "moi@exemple.fr" not in coord.get("/console/notifications/").get_data(as_text=True)
