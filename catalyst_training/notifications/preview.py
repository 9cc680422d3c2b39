"""The preview: what a person's next messages would say, built like the real ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..auth.models import User
from .digests import build, waiting_items
from .messages import render
from .models import COORDINATOR, NotificationMessage


@dataclass(frozen=True)
class Preview:
    """One message as it would be sent (or why it would not be)."""

    audience: str
    subject: str
    text: str
    html: str
    to: str | None
    skip_reason: str | None


def next_messages(user: User, audiences: list[str], now: datetime) -> list[Preview]:
    """The person's messages built from their waiting events (nothing is marked nor sent)."""
    waiting = waiting_items(user.id)
    # Transient rows (never added to the session): negative ids keep them apart from real ones.
    rows = [
        NotificationMessage(id=-(i + 1), user_id=user.id, audience=aud, message_id="<preview>")
        for i, aud in enumerate(audiences)
        if waiting.get(aud) or aud == COORDINATOR
    ]
    items = {row.id: waiting.get(row.audience, []) for row in rows}
    shown = []
    for content in build(rows, now, events=items):
        if content.skip_reason == "nothing to tell":
            continue
        subject, text, html = render(content)
        shown.append(
            Preview(content.audience, subject, text, html, content.to, content.skip_reason)
        )
    return shown
