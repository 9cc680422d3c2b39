"""Production-like processes for tests and bench: gunicorn nodes, private Redis, scratch DB."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
SAMPLE_CONTENT = ROOT / "tests" / "content" / "modules"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float = 20.0, interval: float = 0.02) -> bool:
    """Poll check() until it returns true or the timeout passes (for another process or
    thread: there is nothing to wait on but its answers)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except Exception:  # noqa: S112 - not up yet: poll again
            continue
        time.sleep(interval)
    return False


def psycopg_url(url: str) -> str:
    """SQLAlchemy URL with the psycopg 3 driver."""
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


class ScratchDatabase:
    """A PostgreSQL database created for one test (or bench run) and dropped afterwards."""

    def __init__(self, server_url: str, prefix: str = "catalyst_prod") -> None:
        self.name = f"{prefix}_{secrets.token_hex(4)}"
        self.url = server_url.rsplit("/", 1)[0] + "/" + self.name
        self._admin = create_engine(psycopg_url(server_url), isolation_level="AUTOCOMMIT")

    def __enter__(self) -> ScratchDatabase:
        with self._admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {self.name}"))
        return self

    def __exit__(self, *exc: object) -> None:
        with self._admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"))
        self._admin.dispose()


class RedisServer:
    """A private redis-server on a free port (no persistence) that a test may stop and start."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._proc: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        """Start (or restart) the server and wait until it answers."""
        import redis

        self._proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url)
        up = wait_until(client.ping, timeout=10)
        client.close()
        if not up:
            self.stop()
            raise RuntimeError("redis-server did not start")
        return self

    def stop(self) -> None:
        """Stop the server (its data is lost: --save "")."""
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=10)
            self._proc = None


class Node:
    """One gunicorn node (deploy/gunicorn.conf.py) serving create_app() on a free port."""

    def __init__(self, name: str, workdir: Path, env: dict[str, str], workers: int = 1) -> None:
        self.name = name
        self.port = free_port()
        self.instance = workdir / f"instance-{name}"
        self.instance.mkdir(parents=True, exist_ok=True)
        self.log_path = workdir / f"{name}.log"
        self.env = {
            **os.environ,
            "CATALYST_BIND": f"127.0.0.1:{self.port}",
            "CATALYST_WORKERS": str(workers),
            "CATALYST_THREADS": "4",
            "CATALYST_INSTANCE_PATH": str(self.instance),
            "CATALYST_CONTENT_PATH": str(SAMPLE_CONTENT),
            "CATALYST_LOG_FORMAT": "json",
            "CATALYST_ACCESS_LOG": "",
            "CATALYST_WORKER_IN_PROCESS": "false",
            **env,
        }
        self._proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port>."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> Node:
        """Start gunicorn and wait until /healthz answers (any status)."""
        log = self.log_path.open("ab")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF),
             "catalyst_training:create_app()"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        started = wait_until(
            lambda: requests.get(self.base_url + "/healthz", timeout=2).status_code > 0,
            timeout=timeout,
        )
        if not started:
            self.stop()
            raise RuntimeError(f"node {self.name} did not start:\n{self.log()[-3000:]}")
        return self

    def stop(self) -> None:
        """Graceful stop (SIGTERM), then kill if it hangs."""
        if self._proc is None:
            return
        self._proc.send_signal(signal.SIGTERM)
        try:
            self._proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=5)
        self._proc = None

    def log(self) -> str:
        """Everything the node printed."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def node_env(database_url: str, redis_url: str, base_url: str, shared: Path) -> dict[str, str]:
    """CATALYST_* variables every node of one deployment shares."""
    return {
        "CATALYST_DATABASE_URL": database_url,
        "CATALYST_REDIS_URL": redis_url,
        "CATALYST_SECRET_KEY": "prod-test-" + "k" * 32,
        "CATALYST_BASE_URL": base_url,
        "CATALYST_UPLOAD_PATH": str(shared / "uploads"),
        "CATALYST_OUTBOUND_ALLOW": "127.0.0.0/8",  # the test platform listens on loopback
    }


def prepare_database(
    database_url: str, redis_url: str, instance: Path, platform, content: Path = SAMPLE_CONTENT
) -> None:
    """Migrate to head, load the sample programme and register the platform (like an admin)."""
    from flask_migrate import upgrade

    from catalyst_training import create_app
    from catalyst_training.content.services import sync_modules
    from catalyst_training.extensions import db

    app = create_app(
        {"INSTANCE_PATH": str(instance), "TESTING": True, "SECRET_KEY": "setup",
         "DATABASE_URL": database_url, "REDIS_URL": redis_url,
         "CONTENT_PATH": str(content)}
    )  # fmt: skip
    with app.app_context():
        upgrade(revision="heads")
        report = sync_modules(app.config["CONTENT_PATH"])
        assert not report.problems, report.problems
        db.session.commit()
        result = app.test_cli_runner().invoke(
            args=["platform", "add", *platform.register_cli_args()]
        )
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()


def remove_tree(path: Path) -> None:
    """Delete a folder, ignoring what is already gone."""
    shutil.rmtree(path, ignore_errors=True)
