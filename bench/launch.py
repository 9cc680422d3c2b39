"""LTI 1.3 launch benchmark: our tool vs stock pylti1p3 wiring vs a PyJWT + SQLite floor.

Every variant is a Flask app served over real HTTP (ServerThread) and driven by its own
TestPlatform through the complete OIDC flow: login GET -> platform /auth (signs a fresh
id_token) -> POST id_token + state. The timed part of a launch is what the tool serves: the
login request and the launch POST, client round trips included. The platform's /auth step
(RS256 signing by lti1p3platform) is identical for every variant and is reported separately.

    python bench/launch.py                     # quick run (< 40 s)
    python bench/launch.py --launches 1000     # full size (see bench/README.md)

Last line (contract):
BENCH launch launches_per_s=<x> ratio_vs_stock=<stock/ours> ratio_vs_floor=<ours/floor>
jwks_fetches=<n>
"""

from __future__ import annotations

import argparse
import json
import logging
import secrets
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import flask  # noqa: E402
import jwt  # noqa: E402
import requests  # noqa: E402
from flask_caching import Cache  # noqa: E402
from pylti1p3.contrib.flask import (  # noqa: E402
    FlaskCacheDataStorage,
    FlaskMessageLaunch,
    FlaskOIDCLogin,
    FlaskRequest,
)
from pylti1p3.tool_config import ToolConfJsonFile  # noqa: E402

from tests.platform import ServerThread, TestPlatform, auth_redirect_url, forge  # noqa: E402

DEFAULT_LAUNCHES = 80
DEFAULT_WARMUP = 3
ROUND = 5  # launches per variant before switching to the next one (interleaving vs noise)


# -- variants ------------------------------------------------------------------------------


@dataclass
class Variant:
    """A tool under test, its platform and what one launch cost."""

    name: str
    expected_status: int
    platform: TestPlatform | None = None
    tool_times: list[float] = field(default_factory=list)
    login_times: list[float] = field(default_factory=list)
    post_times: list[float] = field(default_factory=list)
    auth_times: list[float] = field(default_factory=list)
    id_tokens: list[str] = field(default_factory=list)
    jwks_after_warmup: int = 0

    def per_launch(self) -> float:
        """Mean seconds of tool work (login + launch requests) per launch."""
        return statistics.fmean(self.tool_times)


def build_ours(tmp: Path) -> tuple[flask.Flask, Callable[[TestPlatform], None]]:
    """The catalyst-training app on a migrated SQLite database in tmp."""
    from flask_migrate import upgrade

    from catalyst_training import create_app
    from catalyst_training.extensions import db

    app = create_app(
        {
            "INSTANCE_PATH": str(tmp / "ours"),
            "SECRET_KEY": "bench",
            "LOG_LEVEL": "WARNING",
            # Every launch comes from 127.0.0.1: keep the limiter's cost, lift its threshold.
            "LOGIN_RATE_LIMIT": "1000000/minute",
            "OUTBOUND_ALLOW": "127.0.0.0/8",  # the bench platform's JWKS is on loopback
        }
    )
    with app.app_context():
        upgrade(revision="heads")
        db.session.remove()
    logging.getLogger().setLevel(logging.WARNING)

    def register(platform: TestPlatform) -> None:
        result = app.test_cli_runner().invoke(
            args=["platform", "add", *platform.register_cli_args()]
        )
        if result.exit_code != 0:
            raise RuntimeError(f"platform add failed: {result.output}")

    return app, register


def build_stock(tmp: Path) -> tuple[flask.Flask, Callable[[TestPlatform], None]]:
    """pylti1p3's Flask example wiring (dmitry-viskov/pylti1.3-flask-example, game/app.py).

    ToolConfJsonFile read on every request, FlaskCacheDataStorage on a simple cache, no public
    key caching (so the platform JWKS is fetched on every launch), validation by
    get_launch_data(). enable_check_cookies() is left out: it answers with a JavaScript page
    that a non-browser client cannot run.
    """
    app = flask.Flask("pylti1p3-stock")
    app.config.from_mapping(
        CACHE_TYPE="SimpleCache",
        CACHE_DEFAULT_TIMEOUT=600,
        SECRET_KEY="bench",
        SESSION_COOKIE_NAME="pylti1p3-flask-app-sessionid",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=False,
        SESSION_COOKIE_SAMESITE=None,
    )
    cache = Cache(app)
    conf_dir = tmp / "stock"
    conf_dir.mkdir()
    conf_path = conf_dir / "tool.json"

    def tool_conf() -> ToolConfJsonFile:
        return ToolConfJsonFile(str(conf_path))

    @app.route("/login/", methods=["GET", "POST"])
    def login():
        flask_request = FlaskRequest()
        target_link_uri = flask_request.get_param("target_link_uri")
        if not target_link_uri:
            raise ValueError('Missing "target_link_uri" param')
        oidc_login = FlaskOIDCLogin(
            flask_request, tool_conf(), launch_data_storage=FlaskCacheDataStorage(cache)
        )
        return oidc_login.redirect(target_link_uri)

    @app.route("/launch/", methods=["POST"])
    def launch():
        message_launch = FlaskMessageLaunch(
            FlaskRequest(), tool_conf(), launch_data_storage=FlaskCacheDataStorage(cache)
        )
        data = message_launch.get_launch_data()
        return flask.jsonify({"sub": data.get("sub"), "launch_id": message_launch.get_launch_id()})

    def register(platform: TestPlatform) -> None:
        key = forge.generate_rsa_key()
        (conf_dir / "private.key").write_text(forge.private_pem(key))
        (conf_dir / "public.key").write_text(forge.public_pem(key))
        conf = {
            platform.issuer: [
                {
                    "default": True,
                    "client_id": platform.client_id,
                    "auth_login_url": platform.auth_login_url,
                    "auth_token_url": platform.auth_token_url,
                    "auth_audience": None,
                    "key_set_url": platform.key_set_url,
                    "key_set": None,
                    "private_key_file": "private.key",
                    "public_key_file": "public.key",
                    "deployment_ids": [platform.deployment_id],
                }
            ]
        }
        conf_path.write_text(json.dumps(conf))

    return app, register


def build_floor(tmp: Path) -> tuple[flask.Flask, Callable[[TestPlatform], None]]:
    """The least a launch can do: PyJWT verify with a cached key + one committed SQLite row.

    Login issues state and nonce (kept in memory) and redirects to the platform. The launch
    checks the state cookie, jwt.decode()s with the cached public key, checks the nonce and
    INSERTs + COMMITs one row in a SQLite file (WAL, like the tool's database).
    """
    app = flask.Flask("floor")
    holder: dict[str, Any] = {}
    nonces: dict[str, str] = {}
    keys: dict[str, Any] = {}
    lock = threading.Lock()
    conn = sqlite3.connect(tmp / "floor.sqlite3", check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE launches (id INTEGER PRIMARY KEY, iss TEXT, sub TEXT, nonce TEXT UNIQUE,"
        " at REAL)"
    )
    conn.commit()

    def key_for(kid: str) -> Any:
        if kid not in keys:
            data = requests.get(holder["p"].key_set_url, timeout=10).json()
            keys.update({k["kid"]: jwt.PyJWK(k).key for k in data["keys"]})
        return keys[kid]

    @app.route("/lti/login", methods=["GET", "POST"])
    def login():
        p, args = holder["p"], flask.request.values
        state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        nonces[state] = nonce
        resp = flask.redirect(auth_redirect_url(p.auth_login_url, p.client_id, args, state, nonce))
        resp.set_cookie("lti_state", state, httponly=True, samesite="Lax")
        return resp

    @app.post("/lti/launch")
    def launch():
        p, form = holder["p"], flask.request.form
        state = form.get("state", "")
        if not state or flask.request.cookies.get("lti_state") != state:
            return flask.Response("bad state", status=401)
        token = form.get("id_token", "")
        try:
            claims = jwt.decode(
                token,
                key_for(jwt.get_unverified_header(token).get("kid", "")),
                algorithms=["RS256"],
                audience=p.client_id,
                issuer=p.issuer,
                options={"require": ["exp", "iat", "sub", "nonce"]},
            )
        except (jwt.PyJWTError, KeyError) as exc:
            return flask.Response(f"rejected: {exc}", status=401)
        if nonces.pop(state, None) != claims["nonce"]:
            return flask.Response("bad nonce", status=401)
        with lock:
            conn.execute(
                "INSERT INTO launches (iss, sub, nonce, at) VALUES (?, ?, ?, ?)",
                (claims["iss"], claims["sub"], claims["nonce"], time.time()),
            )
            conn.commit()
        return flask.Response("ok", status=200)

    def register(platform: TestPlatform) -> None:
        holder["p"] = platform

    return app, register


# -- driving ---------------------------------------------------------------------------------


def one_launch(variant: Variant, user_id: str, record: bool) -> None:
    """One complete launch; time the tool's requests (login + launch POST) and the /auth."""
    platform = variant.platform
    assert platform is not None
    with TestPlatform.session() as session:
        t0 = time.perf_counter()
        login = platform.begin_login(session, "learner", user_id=user_id)
        t1 = time.perf_counter()
        action, id_token, state = platform.authorize(session, login)
        t2 = time.perf_counter()
        resp = platform.post_launch(session, id_token, state, url=action)
        t3 = time.perf_counter()
    if resp.status_code != variant.expected_status:
        raise RuntimeError(f"{variant.name}: launch answered {resp.status_code}: {resp.text[:300]}")
    if record:
        variant.tool_times.append((t1 - t0) + (t3 - t2))
        variant.login_times.append(t1 - t0)
        variant.post_times.append(t3 - t2)
        variant.auth_times.append(t2 - t1)
        variant.id_tokens.append(id_token)


def add_jwks_latency(platform: TestPlatform, seconds: float) -> None:
    """Delay the platform's /jwks answers (0 = loopback speed)."""
    if seconds <= 0:
        return

    @platform.app.before_request
    def _slow_jwks() -> None:
        if flask.request.path == "/jwks":
            time.sleep(seconds)


def in_process_floor(tokens: list[str], platform: TestPlatform, db_path: Path) -> float:
    """Seconds per token for jwt.decode (cached key) + INSERT/COMMIT, no HTTP at all."""
    key = platform.private_key.public_key()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE launches (id INTEGER PRIMARY KEY, sub TEXT, nonce TEXT UNIQUE)")
    conn.commit()
    start = time.perf_counter()
    for token in tokens:
        claims = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=platform.client_id,
            issuer=platform.issuer,
            leeway=3600,
            options={"require": ["exp", "iat", "sub", "nonce"]},
        )
        conn.execute(
            "INSERT INTO launches (sub, nonce) VALUES (?, ?)", (claims["sub"], claims["nonce"])
        )
        conn.commit()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed / len(tokens)


def describe(variant: Variant) -> str:
    """One line of figures for a variant."""
    times = variant.tool_times
    mean = statistics.fmean(times)
    p50 = statistics.median(times)
    login = statistics.median(variant.login_times)
    post = statistics.median(variant.post_times)
    auth = statistics.median(variant.auth_times)
    return (
        f"{variant.name:<6} {1 / mean:7.1f} launches/s  mean {mean * 1000:6.2f} ms  "
        f"p50 {p50 * 1000:6.2f} ms (login {login * 1000:5.2f} + launch {post * 1000:5.2f})  "
        f"[platform /auth p50 {auth * 1000:.1f} ms, not timed]"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the BENCH line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--launches", type=int, default=DEFAULT_LAUNCHES, help="timed launches per variant"
    )
    parser.add_argument(
        "--warmup", type=int, default=DEFAULT_WARMUP, help="untimed launches per variant first"
    )
    parser.add_argument(
        "--jwks-latency-ms",
        type=float,
        default=0.0,
        help="extra delay of every platform JWKS response (a remote platform's RTT + TLS)",
    )
    args = parser.parse_args(argv)
    if args.launches < 1:
        parser.error("--launches must be >= 1")

    variants = {
        "ours": Variant("ours", 303),
        "stock": Variant("stock", 200),
        "floor": Variant("floor", 200),
    }
    builders = {"ours": build_ours, "stock": build_stock, "floor": build_floor}
    with tempfile.TemporaryDirectory(prefix="bench-launch-") as tmpdir:
        tmp = Path(tmpdir)
        servers: list[Any] = []
        try:
            for name, variant in variants.items():
                app, register = builders[name](tmp)
                server = ServerThread(app).start()
                servers.append(server)
                if name == "stock":
                    platform = TestPlatform(
                        server.base_url,
                        tool_login_url=f"{server.base_url}/login/",
                        tool_launch_url=f"{server.base_url}/launch/",
                    )
                else:
                    platform = TestPlatform(server.base_url)
                add_jwks_latency(platform, args.jwks_latency_ms / 1000)
                servers.append(platform.start())
                register(platform)
                variant.platform = platform

            started = time.perf_counter()
            for i in range(args.warmup):
                for variant in variants.values():
                    one_launch(variant, f"warmup-{i}", record=False)
            for variant in variants.values():
                assert variant.platform is not None
                variant.jwks_after_warmup = variant.platform.jwks_fetches
            done = 0
            while done < args.launches:
                size = min(ROUND, args.launches - done)
                for variant in variants.values():
                    for i in range(done, done + size):
                        one_launch(variant, f"user-{i}", record=True)
                done += size
            wall = time.perf_counter() - started

            ours, stock, floor = variants["ours"], variants["stock"], variants["floor"]
            assert ours.platform is not None and stock.platform is not None
            ours_jwks = ours.platform.jwks_fetches
            stock_jwks = stock.platform.jwks_fetches
            pure_floor = in_process_floor(ours.id_tokens, ours.platform, tmp / "pure.sqlite3")
        finally:
            for server in reversed(servers):
                server.stop()

    total = args.launches + args.warmup
    print(
        f"launches: {args.launches} timed per variant (+{args.warmup} warm-up), {wall:.1f} s; "
        f"platform JWKS latency {args.jwks_latency_ms:g} ms"
    )
    print("timed = the tool's login request + launch POST, over HTTP, per launch")
    for variant in variants.values():
        print(describe(variant))
    print(
        f"floor in-process (jwt.decode + INSERT/COMMIT, no HTTP): {pure_floor * 1000:.2f} ms "
        f"-> ours / that = {ours.per_launch() / pure_floor:.1f}"
    )
    print(
        f"JWKS fetches over {total} launches: ours {ours_jwks} "
        f"({ours_jwks - ours.jwks_after_warmup} after warm-up), stock {stock_jwks}"
    )
    ratio_vs_stock = stock.per_launch() / ours.per_launch()
    ratio_vs_floor = ours.per_launch() / floor.per_launch()
    print(
        f"ratio_vs_stock {ratio_vs_stock:.2f} (target >= 3)  "
        f"ratio_vs_floor {ratio_vs_floor:.2f} (target <= 3)"
    )
    print(
        f"BENCH launch launches_per_s={1 / ours.per_launch():.1f} "
        f"ratio_vs_stock={ratio_vs_stock:.2f} ratio_vs_floor={ratio_vs_floor:.2f} "
        f"jwks_fetches={ours_jwks}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
