"""The clock the worker and the outbox read: the system one by default, a manual one in tests."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from catalyst_training.core.clock import SYSTEM, ManualClock, clock_of, install
from tests.prod.nodes import wait_until

START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def test_the_system_clock_is_the_default_outside_and_inside_an_app(app):
    assert clock_of(app) is SYSTEM and clock_of() is SYSTEM
    assert abs(SYSTEM.now() - datetime.now(UTC)) < timedelta(seconds=5)
    assert SYSTEM.wait(threading.Event(), 0) is False
    manual = install(app, ManualClock(START))
    assert clock_of() is manual and clock_of(app) is manual


def test_a_manual_clock_moves_only_when_advanced():
    clock = ManualClock(START)
    assert clock.now() == START and clock.monotonic() == 0
    assert clock.advance(90) == START + timedelta(seconds=90) == clock.now()
    assert clock.advance_to(START) == START + timedelta(seconds=90)  # never back
    assert clock.advance_to(START + timedelta(hours=1)) == clock.now()
    assert clock.monotonic() == 3600
    with pytest.raises(ValueError):
        clock.advance(-1)
    with pytest.raises(ValueError):
        ManualClock(datetime(2026, 3, 1))  # naive


def test_a_wait_ends_when_the_clock_passes_its_delay_or_the_event_is_set():
    clock, event, ended = ManualClock(START), threading.Event(), []
    waiter = threading.Thread(target=lambda: ended.append(clock.wait(event, 60)))
    waiter.start()
    assert wait_until(lambda: clock.waiting == 1, timeout=5)
    clock.advance(59)
    assert waiter.is_alive() and not ended  # 59 of 60 seconds: still waiting
    clock.advance(1)
    waiter.join(5)
    assert ended == [False]
    waiter = threading.Thread(target=lambda: ended.append(clock.wait(event, 3600)))
    waiter.start()
    assert wait_until(lambda: clock.waiting == 1, timeout=5)
    event.set()
    waiter.join(5)
    assert ended == [False, True] and clock.waiting == 0
