"""What every transport shares: its error type, timeouts and the reading of Retry-After."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from flask import current_app

from ...core.clock import clock_of

THROTTLED = {429, 503}


class DeliveryError(Exception):
    """A failed AGS call: permanent ones dead-letter, the others are retried."""

    def __init__(self, message: str, *, permanent: bool = False, status: int | None = None,
                 body: str | None = None, retry_after: float | None = None) -> None:  # fmt: skip
        super().__init__(message)
        self.permanent, self.status, self.body, self.retry_after = (
            permanent, status, body, retry_after
        )  # fmt: skip


def retry_after(response: Any, now: datetime | None = None) -> float | None:
    """Seconds asked by a Retry-After header (delta-seconds or HTTP date), if any."""
    raw = (response.headers.get("Retry-After") or "").strip()
    if not raw:
        return None
    if raw.isdigit():
        return float(raw)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or clock_of().now())).total_seconds())


def timeout() -> tuple[float, float]:
    """(connect, read) timeouts of a call to a platform."""
    return (5.0, float(current_app.config["AGS_TIMEOUT"]))
