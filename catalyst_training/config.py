"""Configuration: defaults, then instance/config.py, then CATALYST_* environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# name -> (default, kind, description); the README's configuration table mirrors this list.
ENV_SETTINGS: dict[str, tuple[object, str, str]] = {
    "INSTANCE_PATH": (None, "path", "Instance folder (database, secret key, cache, uploads)."),
    "DATABASE_URL": (None, "str", "SQLAlchemy URL; default SQLite in the instance folder."),
    "REDIS_URL": (None, "str", "Redis URL for the shared cache (nonces, state, launch data)."),
    "SECRET_KEY": (None, "str", "Session signing key; generated into the instance folder."),
    "BASE_URL": (None, "str", "Public base URL of the tool, e.g. https://catalyst.example.org."),
    "TRUSTED_PROXIES": (0, "int", "Number of reverse proxies whose X-Forwarded-* to trust."),
    "CONTENT_PATH": (None, "path", "Folder of the programme's modules (default: modules/)."),
    "DEMO": (False, "bool", "Enable the built-in sandbox platform at /sandbox (never in prod)."),
    "JWKS_CACHE_SECONDS": (3600, "int", "How long a platform's JWKS is cached."),
    "JWKS_REFETCH_INTERVAL": (30, "int", "Minimum seconds between re-fetches on unknown kid."),
    "CLOCK_SKEW_SECONDS": (60, "int", "Leeway for exp/iat checks of id_tokens."),
    "LOG_LEVEL": ("INFO", "str", "Logging level."),
    "LOG_FORMAT": ("text", "str", "Log lines: text (development) or json (production)."),
    "UPLOAD_PATH": (None, "path", "Shared folder for attachments (default: instance/uploads)."),
    "DB_POOL_SIZE": (5, "int", "PostgreSQL connections kept open per process."),
    "DB_MAX_OVERFLOW": (5, "int", "Extra PostgreSQL connections per process under bursts."),
    "DB_POOL_TIMEOUT": (10, "int", "Seconds to wait for a pooled connection before failing."),
    "DB_POOL_RECYCLE": (1800, "int", "Seconds after which a pooled connection is replaced."),
    "LOGIN_RATE_LIMIT": ("60/minute", "str", "Per-IP limit on /lti/login, /lti/launch, logins."),
    "RATELIMIT_ENABLED": (True, "bool", "Enable rate limiting (Redis storage when configured)."),
    "WORKER_IN_PROCESS": (None, "bool", "Run the grade delivery worker inside `serve`."),
    "STALLED_DAYS": (14, "int", "Days without activity after which a learner is flagged stalled."),
    "MENTOR_PAGE_SIZE": (50, "int", "Learners per heatmap page and works per grading queue page."),
    "LAUNCH_TOKEN_MAX_AGE": (
        1200,
        "int",
        "Seconds a launch token (?lt=) stays valid unused; each request renews it.",
    ),
    "LAUNCH_TOKEN_MAX_LIFETIME": (
        28800,
        "int",
        "Seconds after its launch when a launch token is refused, renewed or not.",
    ),
    "LTI11_TIMESTAMP_WINDOW": (300, "int", "Accepted clock difference of LTI 1.1 oauth_timestamp."),
    "AGS_TIMEOUT": (20, "int", "Read timeout (s) of calls to platforms (AGS, outcomes, tokens)."),
    "OUTBOX_BATCH": (50, "int", "Grade deliveries a worker claims at once."),
    "OUTBOX_CONCURRENCY": (4, "int", "Grade deliveries a worker sends in parallel."),
    "OUTBOX_CLAIM_SECONDS": (
        120,
        "int",
        "Seconds a claimed delivery stays reserved.",
    ),
    "OUTBOX_MAX_ATTEMPTS": (30, "int", "Attempts before a failing delivery becomes a dead letter."),
    "OUTBOX_BACKOFF_BASE": (5, "float", "First retry delay (s); doubles at each attempt."),
    "OUTBOX_BACKOFF_MAX": (3600, "float", "Longest retry delay (s), also caps Retry-After."),
    "XAPI_BATCH": (200, "int", "xAPI statements a worker claims and POSTs to an LRS at once."),
    "XAPI_TIMEOUT": (30, "int", "Read timeout (s) of a POST of statements to an LRS."),
    "WORKER_POLL_SECONDS": (2, "float", "Seconds the worker waits for new work when idle."),
    "OUTBOUND_ALLOW": (
        "",
        "str",
        "Extra networks (CIDR, comma-separated) outbound calls may reach; tests/demo: loopback.",
    ),
    "OUTBOUND_TIMEOUT": (20, "float", "Read timeout (s) of an outbound call to a platform."),
    "OUTBOUND_MAX_BYTES": (1048576, "int", "Largest answer (bytes) read from a platform."),
    "LOGIN_ACCOUNT_RATE_LIMIT": (
        "10/15 minutes",
        "str",
        "Failed coordinator logins per account (any IP) before 429 until the window ends.",
    ),
    "REGISTER_RATE_LIMIT": ("10/hour", "str", "Per-IP limit on /lti/register."),
    "REGISTRATION_EXPIRY_HOURS": (
        24,
        "int",
        "Hours after which the worker removes a dynamic registration never approved nor launched.",
    ),
    "RETENTION_LAUNCH_DATA_DAYS": (
        90,
        "int",
        "Days after a person's last launch when raw launch data is cleared (0: keep).",
    ),
    "RETENTION_DELIVERY_DAYS": (
        30,
        "int",
        "Days after which answers and errors of sent or dead grades are cleared (0: keep).",
    ),
    "WORKER_UPKEEP_SECONDS": (
        3600,
        "int",
        "How often the worker applies retention and registration clean-up (0: never).",
    ),
    "CERTIFICATES_FOR": (
        "programme",
        "str",
        "When certificates of completion are issued: programme (all modules) or module (each).",
    ),
    "CERTIFICATE_ISSUER": ("catalyst-training", "str", "Issuer named on certificates."),
    "CERTIFICATE_PROGRAMME": (
        "Formation des catalyseurs territoriaux",
        "str",
        "Programme title printed on certificates.",
    ),
    "VERIFY_RATE_LIMIT": ("60/minute", "str", "Per-IP limit on the public /verify/<code> page."),
    "BADGE_ISSUER_URL": (
        None,
        "str",
        "Web site of the organisation running the programme, named in Open Badges (issuer url).",
    ),
    "BADGE_ISSUER_EMAIL": (
        None,
        "str",
        "Contact address of the organisation, named in Open Badges (issuer email).",
    ),
    "BADGE_VALID_DAYS": (
        0,
        "int",
        "Days an Open Badge stays valid after issue (validUntil / exp); 0: no expiry.",
    ),
    "SMTP_URL": (
        None,
        "str",
        "Mail server for notifications: smtp://user:pass@host:587?starttls=1, smtp+starttls://,"
        " smtps://host:465; unset: nothing is sent.",
    ),
    "MAIL_FROM": ("catalyst@localhost", "str", "Sender address of notifications."),
    "MAIL_REPLY_TO": (None, "str", "Reply-To address of notifications (e.g. the programme team)."),
    "SMTP_TIMEOUT": (20, "float", "Seconds an SMTP connection or command may take."),
    "SMTP_CONCURRENCY": (2, "int", "SMTP connections a worker sends notifications on at once."),
    "NOTIFY_DIGEST_HOUR": (18, "int", "Local hour (BABEL timezone) when daily digests are due."),
    "NOTIFY_WEEKLY_DAY": (0, "int", "Weekday of coordinators' weekly summaries (0 = Monday)."),
    "NOTIFY_BATCH": (50, "int", "Notification messages a worker builds and sends at once."),
    "NOTIFY_SCHEDULE_SECONDS": (
        60,
        "int",
        "How often the worker makes due digests when no new event wakes it (daily, weekly).",
    ),
    "NOTIFY_SCAN_SECONDS": (
        300,
        "int",
        "How often the worker looks for leases about to expire and newly stalled learners.",
    ),
    "NOTIFY_LEASE_WARN_MINUTES": (
        5,
        "int",
        "Minutes before a grading lease ends when its mentor is told.",
    ),
    "NOTIFY_RETENTION_DAYS": (
        365,
        "int",
        "Days after which delivered or skipped notifications and their events go (0: keep).",
    ),
    "AUTO_APPROVE_REGISTRATIONS": (
        False,
        "bool",
        "Activate dynamically registered platforms at once (default: a coordinator approves).",
    ),
}


class Defaults:
    """Built-in defaults; no secrets here."""

    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")
    SESSION_COOKIE_NAME = "catalyst_session"
    SESSION_COOKIE_HTTPONLY = True
    # Launches arrive as cross-site POSTs inside an iframe: only SameSite=None cookies survive.
    SESSION_COOKIE_SAMESITE = "None"
    SESSION_COOKIE_SECURE = True
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    LTI_LAUNCH_DATA_LIFETIME = 8 * 3600
    LTI_STATE_LIFETIME = 600


def _coerce(kind: str, raw: str) -> object:
    if kind == "int":
        return int(raw)
    if kind == "float":
        return float(raw)
    if kind == "bool":
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return raw


def env_overrides(environ: os._Environ[str] | dict[str, str] | None = None) -> dict[str, object]:
    """Return the CATALYST_* variables present in the environment, typed."""
    environ = os.environ if environ is None else environ
    found: dict[str, object] = {}
    for name, (_default, kind, _doc) in ENV_SETTINGS.items():
        raw = environ.get(f"CATALYST_{name}")
        if raw not in (None, ""):
            found[name] = _coerce(kind, raw)
    return found


def pool_options(config: dict) -> dict[str, object]:
    """SQLAlchemy engine options for a server database (PostgreSQL): a sized, checked pool."""
    return {
        "pool_size": int(config.get("DB_POOL_SIZE") or 5),
        "max_overflow": int(config.get("DB_MAX_OVERFLOW") or 0),
        "pool_timeout": int(config.get("DB_POOL_TIMEOUT") or 10),
        "pool_recycle": int(config.get("DB_POOL_RECYCLE") or 1800),
        "pool_pre_ping": True,
    }


def instance_path_from_env() -> Path:
    """Instance folder chosen by CATALYST_INSTANCE_PATH, else ./instance of the project."""
    raw = os.environ.get("CATALYST_INSTANCE_PATH")
    return Path(raw).resolve() if raw else PROJECT_ROOT / "instance"


def ensure_secret_key(instance_path: Path) -> str:
    """Read the instance secret key, generating it (mode 0600) on first use."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
