"""Sending a batch: SMTP_CONCURRENCY connections in threads, fed while the next mails are built.

The worker's thread renders each message (templates need the app) and flattens it to bytes;
sender threads only talk SMTP, so the server's answers overlap with the building of the next
messages. A connection failure stops the batch: the messages not yet sent are retried later.
"""

from __future__ import annotations

import queue
import threading
from typing import Any

from ..delivery.transports import DeliveryError
from .smtp import Connection, SmtpSettings

_STOP = object()


class Pipeline:
    """Messages put by the building thread, sent by `workers` connections; outcomes by key."""

    def __init__(self, settings: SmtpSettings, sender: str, workers: int = 2) -> None:
        self.settings, self.sender = settings, sender
        self.outcomes: dict[Any, int | DeliveryError] = {}
        self.down: DeliveryError | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=max(1, workers) * 8)
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._run, name=f"catalyst-mail-{i}", daemon=True)
            for i in range(max(1, workers))
        ]
        for thread in self._threads:
            thread.start()

    def put(self, key: Any, recipient: str, data: bytes) -> None:
        """Queue one flattened message for `recipient`."""
        self._queue.put((key, recipient, data))

    def close(self) -> dict[Any, int | DeliveryError]:
        """Wait until every queued message is sent (or failed); the outcome of each key."""
        for _thread in self._threads:
            self._queue.put(_STOP)
        for thread in self._threads:
            thread.join()
        return self.outcomes

    def _run(self) -> None:
        with Connection(self.settings) as conn:
            while True:
                item = self._queue.get()
                if item is _STOP:
                    return
                key, recipient, data = item
                outcome: int | DeliveryError
                if self.down is not None:
                    outcome = self.down  # unreachable: the rest of the batch waits too
                else:
                    try:
                        outcome = conn.send(data, self.sender, recipient)
                    except DeliveryError as exc:
                        if not exc.permanent and exc.status is None:
                            self.down = exc
                        outcome = exc
                with self._lock:
                    self.outcomes[key] = outcome
