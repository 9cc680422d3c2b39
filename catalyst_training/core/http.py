"""One pooled keep-alive HTTP session per process for calls to platforms."""

from __future__ import annotations

import threading

import requests
from requests.adapters import HTTPAdapter

from .. import __version__

_local = threading.local()
USER_AGENT = f"catalyst-training/{__version__} (+LTI tool)"


def http_session() -> requests.Session:
    """A thread-local pooled session with our User-Agent."""
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=10, pool_maxsize=20)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers["User-Agent"] = USER_AGENT
        _local.session = session
    return session
