"""The SMTP transport: URLs, login with credentials kept secret, 4xx retried, 5xx permanent."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from catalyst_training.delivery.transports import DeliveryError
from catalyst_training.notifications.smtp import Connection, parse_url
from tests.mentoring.helpers import submit_work
from tests.notifications.helpers import drain, evening_clock, messages
from tests.notifications.smtp_server import Collector, free_port

MESSAGE = b"From: a@example.org\r\nTo: b@example.org\r\nSubject: t\r\n\r\nbody\r\n"


def test_urls():
    plain = parse_url("smtp://mail.example.org")
    assert (plain.host, plain.port, plain.starttls, plain.implicit_tls) == (
        "mail.example.org",
        25,
        False,
        False,
    )
    starttls = parse_url("smtp://user%40x:p%3Ass@mail.example.org:587?starttls=1")
    assert starttls.starttls and starttls.username == "user@x" and starttls.password == "p:ss"
    assert parse_url("smtp+starttls://mail.example.org").port == 587
    tls = parse_url("smtps://mail.example.org")
    assert tls.implicit_tls and tls.port == 465 and not tls.starttls
    assert "p:ss" not in repr(starttls) and "user" not in repr(starttls)
    for bad in ("http://mail.example.org", "smtp://", "mail.example.org"):
        with pytest.raises(ValueError):
            parse_url(bad)


class Accounts:
    """aiosmtpd authenticator: one account."""

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"catalyst" and auth_data.password == b"s3cret-pass"
        return AuthResult(success=ok, handled=False)  # not handled: the server answers 535


def test_login_with_credentials_from_the_url_and_never_in_errors(caplog):
    collector, port = Collector(), free_port()
    controller = Controller(
        collector,
        hostname="127.0.0.1",
        port=port,
        authenticator=Accounts(),
        auth_require_tls=False,
    )
    controller.start()
    try:
        with Connection(parse_url(f"smtp://catalyst:s3cret-pass@127.0.0.1:{port}")) as conn:
            assert conn.send(MESSAGE, "a@example.org", "b@example.org") == 250
        assert len(collector.messages) == 1
        wrong = Connection(parse_url(f"smtp://catalyst:wrong-pass@127.0.0.1:{port}"))
        with pytest.raises(DeliveryError) as refused:
            wrong.open()
        assert "login refused (535)" in str(refused.value)
        assert not refused.value.permanent  # the server's setup: retried, not a dead message
        assert "wrong-pass" not in str(refused.value) and "wrong-pass" not in caplog.text
    finally:
        controller.stop()


class Busy(Collector):
    """Answers 451 (try again later) to the first DATA, then accepts."""

    def __init__(self) -> None:
        super().__init__()
        self.busy = True

    async def handle_DATA(self, server, session, envelope):
        if self.busy:
            self.busy = False
            return "451 4.3.0 try again later"
        return await super().handle_DATA(server, session, envelope)


def test_a_4xx_answer_is_retried_with_backoff(app, world):
    busy, port = Busy(), free_port()
    controller = Controller(busy, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(
        SMTP_URL=f"smtp://127.0.0.1:{port}",
        BASE_URL="https://tool.example",
        OUTBOX_BACKOFF_BASE=10,
        OUTBOX_BACKOFF_MAX=60,
    )
    try:
        clock = evening_clock(app)
        submit_work(world.learner_a.id)
        assert drain(clock)["mail_pending"] == 1
        row = messages()[0]
        assert row.response_status == 451 and row.state == "pending"
        clock.advance(120)
        assert drain(clock)["mail_delivered"] == 1
        assert len(busy.messages) == 1 and messages()[0].attempts == 2
    finally:
        controller.stop()
