"""Time as a service: the system clock in production, a manual clock that tests move by hand.

Services that schedule or compare against "now" (the delivery worker, the outbox, retries) ask
`clock_of()` for the clock of the current app instead of reading the system time, so a test can
install a `ManualClock` and pass a Retry-After of an hour by advancing it, without sleeping.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

from flask import Flask, current_app, has_app_context

EXTENSION = "catalyst_clock"


class Clock(Protocol):
    """What time-dependent services need from a clock."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (for durations and deadlines)."""
        ...

    def wait(self, event: threading.Event, seconds: float) -> bool:
        """Block until `event` is set or `seconds` have passed; True when the event was set."""
        ...


class SystemClock:
    """The machine's time and real waits."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        return datetime.now(UTC)

    def monotonic(self) -> float:
        """time.monotonic()."""
        return time.monotonic()

    def wait(self, event: threading.Event, seconds: float) -> bool:
        """Block until `event` is set or `seconds` have passed; True when the event was set."""
        return event.wait(seconds)


class ManualClock:
    """A clock that only moves when told to: `advance()` moves it and wakes the waits it ends."""

    def __init__(self, start: datetime | None = None, *, tick: float = 0.01) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("a ManualClock starts at an aware datetime")
        self._now = (start or datetime.now(UTC)).astimezone(UTC)
        self._elapsed = 0.0
        self._tick = tick
        self._waiting = 0
        self._changed = threading.Condition()

    def now(self) -> datetime:
        """The clock's current time, timezone-aware UTC."""
        with self._changed:
            return self._now

    def monotonic(self) -> float:
        """Seconds advanced since the clock was made."""
        with self._changed:
            return self._elapsed

    @property
    def waiting(self) -> int:
        """How many threads are blocked in wait() right now."""
        with self._changed:
            return self._waiting

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward by `seconds`, waking the waits that are over; the new time."""
        if seconds < 0:
            raise ValueError("a clock does not go back")
        with self._changed:
            self._now += timedelta(seconds=seconds)
            self._elapsed += seconds
            self._changed.notify_all()
            return self._now

    def advance_to(self, when: datetime) -> datetime:
        """Move the clock forward to `when` (no move when it is already past); the new time."""
        return self.advance(max(0.0, (when - self.now()).total_seconds()))

    def wait(self, event: threading.Event, seconds: float) -> bool:
        """Block until `event` is set or the clock has been advanced by `seconds`."""
        with self._changed:
            deadline = self._elapsed + seconds
            self._waiting += 1
            try:
                while not event.is_set() and self._elapsed < deadline:
                    # Event.set() cannot notify this condition: the event is looked at every
                    # tick (real time), while advance() wakes the wait at once.
                    self._changed.wait(self._tick)
            finally:
                self._waiting -= 1
            return event.is_set()


SYSTEM = SystemClock()


def clock_of(app: Flask | None = None) -> Clock:
    """The clock of `app` (default: the current app); the system clock unless one was installed."""
    if app is None:
        if not has_app_context():
            return SYSTEM
        app = current_app._get_current_object()  # type: ignore[attr-defined]
    return app.extensions.get(EXTENSION, SYSTEM)


def install(app: Flask, clock: Clock) -> Clock:
    """Make `clock` the clock of `app` (tests install a ManualClock); returns it."""
    app.extensions[EXTENSION] = clock
    return clock
