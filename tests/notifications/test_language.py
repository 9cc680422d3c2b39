"""The language of messages: the person's choice wins over the platform's locale."""

from __future__ import annotations

from catalyst_training.extensions import db
from catalyst_training.notifications import languages
from catalyst_training.notifications.models import NotificationLanguage
from tests.mentoring.helpers import csrf_token, login, submit_work
from tests.notifications.helpers import drain, evening_clock, html_of, messages, text_of

NEWS_FR = "Catalyseurs territoriaux\u00a0: du nouveau sur votre parcours"
NEWS_EN = "Territorial catalysts: news about your learning path"


def _choose(app, world, choice: str) -> None:
    client = app.test_client()
    login(client, world.learner_b, "learner", world.context.id)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Langue des messages" in page and 'value="platform"' in page
    response = client.post(
        "/notifications/",
        data={"csrf_token": csrf_token(client), "learner": "y", "language": choice},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert languages.choice_of(world.learner_b.id) == choice


def _returned(world, clock) -> None:
    """Learner B hands work in; mentor B returns it (the learner is told at once)."""
    from catalyst_training.learning.modules import current_module
    from catalyst_training.mentoring import leases, review

    sub = submit_work(world.learner_b.id)
    module, _v = current_module(sub.module_slug)
    draft = review.Draft(levels={}, comment="", private_note="", reason="À revoir.")
    assert leases.claim(sub.id, world.mentor_b.id, clock.now())
    review.decide(sub, module, world.mentor_b.id, "return", draft, clock.now())
    db.session.commit()


def test_chosen_language_wins_over_the_platform_and_platform_restores_it(app, smtp, world):
    world.learner_b.locale = "fr-FR"
    db.session.commit()
    clock = evening_clock(app)
    _choose(app, world, "en")
    _returned(world, clock)
    drain(clock)
    told = smtp.collector.to("learner.b@example.org")
    assert len(told) == 1
    mail = told[0]
    assert mail["Content-Language"] == "en" and mail["Subject"] == NEWS_EN
    assert '<html lang="en">' in html_of(mail)
    assert "returned" in text_of(mail).lower()

    _choose(app, world, languages.PLATFORM)
    assert db.session.query(NotificationLanguage).count() == 0  # no row: the platform's
    clock.advance(60)
    _returned(world, clock)
    drain(clock)
    told = smtp.collector.to("learner.b@example.org")
    assert len(told) == 2
    assert told[1]["Content-Language"] == "fr" and told[1]["Subject"] == NEWS_FR
    assert '<html lang="fr">' in html_of(told[1])


def test_a_message_already_built_keeps_its_language(app, smtp, world):
    clock = evening_clock(app)
    _choose(app, world, "en")
    smtp.stop()
    _returned(world, clock)
    drain(clock)  # first attempt fails: its Message-ID and language are fixed
    row = next(m for m in messages() if m.user_id == world.learner_b.id)
    assert row.state == "pending" and row.language == "en"
    _choose(app, world, "fr")
    smtp.start()
    clock.advance(120)
    drain(clock)
    told = smtp.collector.to("learner.b@example.org")
    assert len(told) == 1 and told[0]["Content-Language"] == "en"
    assert told[0]["Message-ID"] == row.message_id


def test_an_unknown_language_is_refused(app, world):
    client = app.test_client()
    login(client, world.learner_b, "learner", world.context.id)
    response = client.post(
        "/notifications/", data={"csrf_token": csrf_token(client), "language": "de"}
    )
    assert response.status_code == 422
    assert languages.choice_of(world.learner_b.id) == languages.PLATFORM
