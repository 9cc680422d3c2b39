"""A real Ralph LRS (FUN MOOC's, `ralph-malph` on PyPI) run by the tests on a free port.

Ralph's app with its filesystem backend (ralph_app.py says why not `ralph runserver` itself)
keeps statements in a folder; the credentials file is written with a
cheap bcrypt cost so that each test's requests stay fast. Stopping and starting again on the same
port and folder is an LRS outage the outbox must ride out.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import bcrypt
import requests

USER, PASSWORD = "tool", "ralph-secret"
PROJECT = Path(__file__).resolve().parents[3]
HEADERS = {"X-Experience-API-Version": "1.0.3"}


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ralph_command() -> str | None:
    """The `ralph` script of this environment, if ralph-malph is installed."""
    here = Path(sys.executable).with_name("ralph")
    return str(here) if here.exists() else shutil.which("ralph")


class Ralph:
    """One Ralph LRS process (fs backend) serving /xAPI/statements with Basic auth."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder, self.port = folder, port or free_port()
        self.proc: subprocess.Popen | None = None
        self.log: Any = None
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "data").mkdir(exist_ok=True)
        hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
        auth = [
            {
                "agent": {"mbox": "mailto:tool@example.org", "objectType": "Agent"},
                "scopes": ["all"],
                "hash": hashed,
                "username": USER,
            }
        ]
        (folder / "auth.json").write_text(json.dumps(auth))

    @property
    def base_url(self) -> str:
        """The xAPI base URL (what an administrator configures)."""
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self, timeout: float = 30.0) -> Ralph:
        """Start the server and wait until it answers."""
        if ralph_command() is None:
            raise RuntimeError("ralph-malph is not installed (pip install -e '.[test]')")
        env = {
            **os.environ,
            "RALPH_APP_DIR": str(self.folder),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_AUTH_FILE": str(self.folder / "auth.json"),
            "RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH": str(self.folder / "data"),
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.folder / "data"),
        }
        self.log = open(self.folder / "ralph.log", "ab")  # noqa: SIM115 - closed by stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.delivery.xapi.ralph_app", "127.0.0.1", str(self.port)],
            cwd=PROJECT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.stop()
                raise RuntimeError((self.folder / "ralph.log").read_text()[-2000:])
            try:
                if requests.get(
                    self.base_url + "statements",
                    auth=(USER, PASSWORD),
                    headers=HEADERS,
                    params={"limit": 1},
                    timeout=2,
                ).ok:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.1)  # a real process starting: nothing to advance but wall time
        raise RuntimeError("Ralph did not start in time")

    def stop(self) -> None:
        """Stop the server (an outage); statements it stored stay in its folder."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait(timeout=10)
        self.proc = None
        if self.log is not None:
            self.log.close()
            self.log = None

    def statements(self, **params: Any) -> list[dict]:
        """Every statement the LRS holds matching `params`, oldest first (all pages)."""
        found: list[dict] = []
        url: str | None = self.base_url + "statements"
        query = {"limit": 500, **params}
        while url:
            resp = requests.get(
                url, auth=(USER, PASSWORD), headers=HEADERS, params=query, timeout=30
            )
            resp.raise_for_status()
            page = resp.json()
            found.extend(page["statements"])
            more = page.get("more")
            url = f"http://127.0.0.1:{self.port}{more}" if more else None
            query = {}
        return sorted(found, key=lambda s: (s["timestamp"], s.get("stored", "")))

    def __enter__(self) -> Ralph:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
