"""Transports of the outbox, chosen by a delivery's mode through a registry (no if/else)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .base import DeliveryError

if TYPE_CHECKING:
    from ..outbox import Job

Transport = Callable[["Job"], tuple[int, str]]
TRANSPORTS: dict[str, Transport] = {}


def register(mode: str, transport: Transport) -> None:
    """Make `transport` deliver the rows of `mode` (called from delivery.init_app)."""
    TRANSPORTS[mode] = transport


def transport_for(mode: str) -> Transport:
    """The transport of a delivery mode; an unknown mode is a permanent failure."""
    try:
        return TRANSPORTS[mode]
    except KeyError:
        raise DeliveryError(f"no transport for delivery mode {mode!r}", permanent=True) from None
