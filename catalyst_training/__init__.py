"""catalyst-training: an LTI tool for the catalyseurs territoriaux training programme."""

from __future__ import annotations

import logging
from importlib import import_module
from pathlib import Path
from typing import Any

from flask import Flask

__version__ = "0.1.0"
LOOPBACK = "127.0.0.0/8,::1/128"

# Each domain's init_app registers its blueprints, CLI, hooks and rules, in layer order.
DOMAINS = (
    "core",
    "auth",
    "content",
    "learning",
    "mentoring",
    "lti",
    "delivery",
    "credentials",
    "reporting",
    "notifications",
    "sandbox",
)


def _py_lower(value):
    return value.lower() if isinstance(value, str) else value


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, then each domain."""
    from . import config as cfg

    instance_path = Path(
        (test_config or {}).get("INSTANCE_PATH") or cfg.instance_path_from_env()
    ).resolve()
    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=True)
    app.config.from_object(cfg.Defaults)
    for name, (default, _kind, _doc) in cfg.ENV_SETTINGS.items():
        app.config.setdefault(name, default)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(cfg.env_overrides())
    if test_config:
        app.config.update(test_config)
    _finish_config(app, instance_path)
    logging.basicConfig(level=app.config["LOG_LEVEL"])
    if app.config["LOG_LEVEL"] != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)
    _init_extensions(app)
    for domain in DOMAINS:
        import_module(f"{__name__}.{domain}").init_app(app)
    return app


def _finish_config(app: Flask, instance_path: Path) -> None:
    from . import config as cfg

    instance_path.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = cfg.ensure_secret_key(instance_path)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{instance_path / 'catalyst.sqlite3'}"
    url = app.config["DATABASE_URL"]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("sqlite"):
        # Several threads/processes share the file: wait for the writer instead of failing.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    else:
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **cfg.pool_options(app.config),
            **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
        }
    if not app.config.get("CONTENT_PATH"):
        app.config["CONTENT_PATH"] = str(cfg.PROJECT_ROOT / "modules")
    app.config.setdefault("LOOPBACK_SECURE_COOKIES", bool(app.config.get("DEMO")))
    if app.config.get("DEMO") and not app.config.get("OUTBOUND_ALLOW"):
        # The sandbox platform lives on this machine: the demo may call loopback, never prod.
        app.config["OUTBOUND_ALLOW"] = LOOPBACK
    if app.config.get("REDIS_URL"):
        app.config.setdefault("CACHE_TYPE", "RedisCache")
        app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
        app.config.setdefault("CACHE_KEY_PREFIX", "catalyst:")
    else:
        app.config.setdefault("CACHE_TYPE", "FileSystemCache")
        app.config.setdefault("CACHE_DIR", str(instance_path / "cache"))
        # No file counting (it doubles every write); expired entries are dropped when read.
        app.config.setdefault("CACHE_THRESHOLD", 0)
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", 3600)


def _init_extensions(app: Flask) -> None:
    from flask import request, session
    from werkzeug.middleware.proxy_fix import ProxyFix

    from .core.cookies import SessionInterface
    from .extensions import babel, cache, csrf, db, login_manager, migrate

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from sqlalchemy import event

        with app.app_context():

            @event.listens_for(db.engine, "connect")
            def _sqlite_pragmas(dbapi_conn, _record):
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA journal_mode=WAL")
                # WAL + NORMAL never corrupts; it may lose the last commits on a power cut only.
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.close()
                # Sort keys folded as Python folds them (SQLite's lower() is ASCII only).
                dbapi_conn.create_function("py_lower", 1, _py_lower, deterministic=True)

    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    cache.init_app(app)
    app.session_interface = SessionInterface()

    def select_locale() -> str:
        chosen = session.get("lang")
        if chosen in app.config["LANGUAGES"]:
            return chosen
        return request.accept_languages.best_match(app.config["LANGUAGES"]) or "fr"

    babel.init_app(app, locale_selector=select_locale)
    if app.config.get("REDIS_URL"):
        import redis

        app.extensions["catalyst_redis"] = redis.Redis.from_url(app.config["REDIS_URL"])
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
