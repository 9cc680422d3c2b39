"""gunicorn configuration of catalyst-training (one node).

    gunicorn -c deploy/gunicorn.conf.py 'catalyst_training:create_app()'

Sizing (see README, "Production"): gthread workers, one process per core plus one, a few
threads each. Each process holds its own SQLAlchemy pool: size CATALYST_DB_POOL_SIZE to the
threads, so that nodes x workers x (pool size + overflow) stays under PostgreSQL's
max_connections. Every value below can be overridden by an environment variable.
"""

from __future__ import annotations

import json
import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip() else default


cores = multiprocessing.cpu_count()

# Behind the reverse proxy (nginx on the same host or the load balancer's network).
bind = os.environ.get("CATALYST_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = _int("CATALYST_WORKERS", cores + 1)
threads = _int("CATALYST_THREADS", 4)
# Requests are short (pages, launches): a stuck one is killed and logged after this long.
timeout = _int("CATALYST_WORKER_TIMEOUT", 30)
graceful_timeout = _int("CATALYST_GRACEFUL_TIMEOUT", 20)
keepalive = 5
# Recycle workers now and then (bounded memory), with jitter so they do not restart together.
max_requests = _int("CATALYST_MAX_REQUESTS", 5000)
max_requests_jitter = max(1, max_requests // 10) if max_requests else 0
# Not preloaded: each worker builds its own app, database pool and Redis connections after
# the fork (sockets must never be shared between processes).
preload_app = False

# X-Forwarded-* are handled by the app (CATALYST_TRUSTED_PROXIES -> ProxyFix): gunicorn itself
# trusts none, so that there is a single place deciding which proxy headers count.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}

# Logs on stdout/stderr (systemd's journal or the container runtime collects them). The access
# log is one JSON object per line carrying the request id the app echoed (X-Request-ID).
loglevel = os.environ.get("CATALYST_LOG_LEVEL", "info").lower()
errorlog = "-"
accesslog = os.environ.get("CATALYST_ACCESS_LOG", "-") or None
access_log_format = json.dumps(
    {
        "time": "%(t)s",
        "logger": "gunicorn.access",
        "request_id": "%({x-request-id}o)s",
        "remote": "%(h)s",
        "method": "%(m)s",
        "path": "%(U)s",
        "status": "%(s)s",
        "bytes": "%(B)s",
        "duration_ms": "%(M)s",
        "user_agent": "%(a)s",
    }
)
# The query string may carry login parameters (login_hint, lti_message_hint): %(U)s omits it.
