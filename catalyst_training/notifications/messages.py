"""Putting a digest into words: text and HTML from Jinja templates, in the person's language."""

from __future__ import annotations

import secrets
from datetime import datetime
from email import policy as email_policy
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime
from zoneinfo import ZoneInfo

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from .digests import Content
from .models import CONFIRM, COORDINATOR, LEARNER, MENTOR
from .tokens import confirm_token, unsubscribe_token

# Times in digests (local time of the programme): day/month in French, ISO order in English.
TIME_PATTERNS = {"fr": "%d/%m/%Y %H:%M", "en": "%Y-%m-%d %H:%M"}
# Where each audience's links lead inside the tool (a session is needed: see the templates).
LANDING = {
    MENTOR: "/mentor/queue",
    LEARNER: "/learn/",
    COORDINATOR: "/console/",
    CONFIRM: "/notifications/",
}


class _HeaderClasses(HeaderRegistry):
    """The standard header registry, keeping the class it makes for each header name.

    HeaderRegistry builds a new class with type() on every header set or parsed, which is a
    large part of building a message; the classes are the same each time, so keep them.
    """

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


POLICY = email_policy.default.clone(header_factory=_HeaderClasses())
WIRE = POLICY.clone(linesep="\r\n")


def base_url() -> str:
    """The tool's public base URL (CATALYST_BASE_URL), without a trailing slash."""
    return (current_app.config.get("BASE_URL") or "http://localhost:5000").rstrip("/")


def new_message_id(row_id: int) -> str:
    """A Message-ID of ours, kept with the row so that a retry is recognisable."""
    sender = str(current_app.config.get("MAIL_FROM") or "catalyst@localhost")
    domain = sender.rpartition("@")[2].strip(">") or "localhost"
    return f"<notif.{row_id}.{secrets.token_hex(8)}@{domain}>"


def _subject(content: Content) -> str:
    if content.audience == MENTOR:
        return _("Catalyseurs territoriaux : %(n)d nouveauté(s) pour vos cohortes",
                 n=len(content.items))  # fmt: skip
    if content.audience == LEARNER:
        return _("Catalyseurs territoriaux : du nouveau sur votre parcours")
    if content.audience == COORDINATOR:
        return _("Catalyseurs territoriaux : la semaine de vos sessions")
    return _("Catalyseurs territoriaux : confirmez votre adresse")


def context_of(content: Content) -> dict:
    """What the templates receive."""
    base = base_url()
    values = {
        "c": content,
        "base_url": base,
        "landing_url": base + LANDING[content.audience],
        "settings_url": base + "/notifications/",
        "unsubscribe_url": None,
        "confirm_url": None,
        "shown": 50,
    }
    if content.audience != CONFIRM:
        token = unsubscribe_token(content.user_id, content.audience)
        values["unsubscribe_url"] = f"{base}/notifications/unsubscribe/{token}"
    elif content.confirm is not None:
        values["confirm_url"] = f"{base}/notifications/confirm/{confirm_token(*content.confirm)}"
    return values


def render(content: Content, values: dict | None = None) -> tuple[str, str, str]:
    """(subject, text, html) of a message, in the person's language."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC")
    pattern = TIME_PATTERNS.get(content.language, TIME_PATTERNS["fr"])

    def at(value: datetime | None) -> str:
        # A fixed numeric pattern per language: Babel's formatter is most of a digest's render.
        return value.astimezone(zone).strftime(pattern) if value else "—"

    with force_locale(content.language):
        values = {**(values or context_of(content)), "at": at}
        name = f"notifications/mail/{content.audience}"
        return (
            _subject(content),
            render_template(f"{name}.txt", **values),
            render_template(f"{name}.html", **values),
        )


def flatten(message: EmailMessage) -> bytes:
    """The message as sent on the wire (CRLF line ends, as smtplib.send_message makes it)."""
    return message.as_bytes(policy=WIRE)


def email_of(content: Content, now: datetime) -> EmailMessage:
    """The message as sent: headers (RFC 8058 one-click unsubscribe), text and HTML parts."""
    values = context_of(content)
    subject, text, html = render(content, values)
    config = current_app.config
    msg = EmailMessage(policy=POLICY)
    msg["From"] = str(config.get("MAIL_FROM") or "catalyst@localhost")
    msg["To"] = content.to or ""
    if config.get("MAIL_REPLY_TO"):
        msg["Reply-To"] = str(config["MAIL_REPLY_TO"])
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = content.header_id
    msg["Auto-Submitted"] = "auto-generated"
    if content.audience != CONFIRM:
        msg["List-Unsubscribe"] = f"<{values['unsubscribe_url']}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    # After the parts: making the message multipart moves Content-* headers into the first part.
    msg["Content-Language"] = content.language
    return msg
