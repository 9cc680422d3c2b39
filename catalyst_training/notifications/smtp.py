"""The mail transport: one SMTP connection per batch, configured by CATALYST_SMTP_URL.

smtp://host:25, smtp://user:pass@host:587?starttls=1 (or smtp+starttls://), smtps://host:465.
A 5xx answer is a refusal (permanent: the message is dead and shown to coordinators); a
connection failure or a 4xx answer is retried with the outbox's backoff. Credentials come from
the URL (the environment) and are never logged nor put in an error.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from ..delivery.transports import DeliveryError

PORTS = {"smtp": 25, "smtps": 465, "smtp+starttls": 587}
TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to connect (the password stays out of repr)."""

    host: str
    port: int
    implicit_tls: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 20.0

    def __repr__(self) -> str:
        user = " (authenticated)" if self.username else ""
        return f"SmtpSettings({self.host}:{self.port}{user})"


def parse_url(url: str, timeout: float = 20.0) -> SmtpSettings:
    """Settings of an smtp://, smtps:// or smtp+starttls:// URL; ValueError when malformed."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in PORTS or not parts.hostname:
        raise ValueError("SMTP_URL must be smtp://, smtps:// or smtp+starttls:// with a host")
    query = parse_qs(parts.query)
    starttls = scheme == "smtp+starttls" or (query.get("starttls", ["0"])[0].lower() in TRUE)
    return SmtpSettings(
        host=parts.hostname,
        port=parts.port or PORTS[scheme],
        implicit_tls=scheme == "smtps",
        starttls=starttls and scheme != "smtps",
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        timeout=timeout,
    )


def _refusal(code: int | None, what: str) -> DeliveryError:
    permanent = code is not None and 500 <= code < 600
    return DeliveryError(f"SMTP {code or '?'}: {what}"[:500], status=code, permanent=permanent)


class Connection:
    """An open SMTP session sending many messages; errors become DeliveryErrors."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        """Connect (TLS, STARTTLS, login as configured); DeliveryError (retried) on failure."""
        s = self.settings
        try:
            if s.implicit_tls:
                context = ssl.create_default_context()
                self.smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
            else:
                self.smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.starttls:
                self.smtp.starttls(context=ssl.create_default_context())
            if s.username:
                self.smtp.login(s.username, s.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            self.close()
            # A refused login is the server's configuration, not the message: retried.
            # No status: like an unreachable server, the rest of the batch waits too.
            raise DeliveryError(f"SMTP login refused ({exc.smtp_code})") from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise DeliveryError(f"SMTP server unreachable: {type(exc).__name__}") from None

    def send(self, message: bytes, sender: str, recipient: str) -> int:
        """Send one flattened message (CRLF lines); the server's answer code, or DeliveryError."""
        if self.smtp is None:
            self.open()
        smtp = self.smtp
        if smtp is None:  # open() raises rather than leave it unset
            raise DeliveryError("SMTP session not open")
        try:
            refused = smtp.sendmail(sender, [recipient], message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()), (None, b""))
            raise _refusal(code, _text(text)) from None
        except smtplib.SMTPSenderRefused as exc:
            raise _refusal(exc.smtp_code, _text(exc.smtp_error)) from None
        except smtplib.SMTPDataError as exc:
            raise _refusal(exc.smtp_code, _text(exc.smtp_error)) from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()  # the session is unusable: the next message reconnects
            raise DeliveryError(f"SMTP connection lost: {type(exc).__name__}") from None
        if refused:
            code, text = next(iter(refused.values()))
            raise _refusal(code, _text(text))
        return 250

    def close(self) -> None:
        """Quit politely, or just drop the socket."""
        if self.smtp is None:
            return
        try:
            self.smtp.quit()
        except (OSError, smtplib.SMTPException):
            self.smtp.close()
        self.smtp = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
