"""A mentor journey over a real SMTP server: submit, digest, return, the learner is told."""

from __future__ import annotations

import re

from catalyst_training.extensions import db
from catalyst_training.notifications.models import NotificationEvent
from tests.mentoring.helpers import csrf_token, login, submit_work
from tests.notifications.helpers import drain, evening_clock, html_of, messages, text_of

UNSUBSCRIBE = re.compile(r"<https://tool\.example/notifications/unsubscribe/([^>]+)>")


def test_mentor_digest_then_learner_told_of_the_return(app, smtp, world):
    clock = evening_clock(app)
    sub = submit_work(world.learner_a.id, "Notre alliance locale.")
    counts = drain(clock)
    assert counts["mail_delivered"] == 1

    received = smtp.collector.to("mentor.a@example.org")
    assert len(received) == 1
    assert smtp.collector.to("mentor.b@example.org") == []  # another cohort's mentor
    digest = received[0]
    assert digest["From"] == "formation@catalyst.example"
    assert digest["Reply-To"] == "equipe@catalyst.example"
    assert digest["Content-Language"] == "fr"
    assert digest["Auto-Submitted"] == "auto-generated"
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert UNSUBSCRIBE.fullmatch(digest["List-Unsubscribe"])
    assert "Catalyseurs territoriaux\u00a0:" in digest["Subject"]
    row = messages()[0]
    assert digest["Message-ID"] == row.message_id and row.state == "delivered"
    text = text_of(digest)
    assert "Learner A" in text and "Module d'exemple" in text
    assert "https://tool.example/mentor/queue" in text
    assert "ouvrez l'activité depuis votre cours sur la plateforme" in text
    assert "Travaux en attente d'évaluation dans vos cohortes\u00a0: 1" in text
    assert '<html lang="fr">' in html_of(digest)

    # The mentor returns the work through the review page.
    client = app.test_client()
    login(client, world.mentor_a, "mentor", world.context.id)
    client.get(f"/mentor/submissions/{sub.id}")
    response = client.post(
        f"/mentor/submissions/{sub.id}",
        data={
            "action": "return",
            "reason": "Précisez les acteurs du territoire.",
            "new_due_on": "2026-03-20",
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert drain(clock)["mail_delivered"] == 1
    told = smtp.collector.to("learner.a@example.org")
    assert len(told) == 1
    mail = told[0]
    assert mail["Content-Language"] == "en"  # the learner's platform locale is en-GB
    text = text_of(mail)
    assert "returned" in text.lower()
    assert "Précisez les acteurs du territoire." in text
    assert "March 20, 2026" in text, text
    assert "https://tool.example/learn/" in text
    assert UNSUBSCRIBE.fullmatch(mail["List-Unsubscribe"])

    # Nothing is told twice: the events are marked, a new round sends nothing.
    assert not drain(clock)
    assert len(smtp.collector.messages) == 2
    waiting = db.session.query(NotificationEvent).filter_by(message_row_id=None).count()
    assert waiting == 0


def test_one_digest_per_mentor_per_day_whatever_the_events(app, smtp, world):
    clock = evening_clock(app)
    submit_work(world.learner_a.id)
    drain(clock)
    from tests.mentoring.helpers import user

    other = user(world.platform, world.context, "l-c", "learner", "Learner C")
    from catalyst_training.mentoring import placement

    placement.place_from_launch(
        other.id, world.context.id, "learner", {"cohort": "lyon"}, clock.now()
    )
    db.session.commit()
    submit_work(other.id)
    assert not drain(clock)  # today's digest is gone: the new work waits for tomorrow's
    clock.advance(24 * 3600)
    assert drain(clock)["mail_delivered"] == 1
    second = smtp.collector.to("mentor.a@example.org")[-1]
    assert "Learner C" in text_of(second) and "Learner A" not in text_of(second).split("\n\n")[1]
