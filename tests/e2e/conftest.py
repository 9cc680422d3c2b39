"""Browser tests: the demo app served in-process, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

CHROMIUM = Path("/usr/bin/chromium")
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-output" / "e2e"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    # "localhost" must reach the server bound on 127.0.0.1 (never ::1 first).
    "--host-resolver-rules=MAP localhost 127.0.0.1",
]


@dataclass
class DemoServer:
    """The demo app listening on 127.0.0.1:port (also reachable as localhost:port)."""

    app: Flask
    port: int

    @property
    def platform_origin(self) -> str:
        """Origin of the sandbox course page."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def tool_origin(self) -> str:
        """Origin the course page frames the tool on."""
        return f"http://localhost:{self.port}"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium; skipped locally when absent, a failure in CI."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium); browser tests need it"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """test-output/e2e/ at the repository root (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """The app in demo mode, migrated, sandbox registered, served by a threaded werkzeug."""
    from werkzeug.serving import make_server

    from catalyst_training import create_app
    from catalyst_training.cli import initialise
    from catalyst_training.extensions import db
    from catalyst_training.sandbox.services import register_sandbox

    instance = tmp_path_factory.mktemp("demo-instance")
    app = create_app(
        {
            "DEMO": True,
            "LOOPBACK_SECURE_COOKIES": True,
            "INSTANCE_PATH": str(instance),
            "TESTING": False,
        }
    )
    # Bind first (port 0: the kernel picks a free one, no race), then register with that port.
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    # The same start-up as `catalyst-training demo`: migrations, tool key, programme sync.
    initialise(app)
    with app.app_context():
        register_sandbox(f"http://127.0.0.1:{port}")
    thread = threading.Thread(target=server.serve_forever, name="demo-server", daemon=True)
    thread.start()
    try:
        yield DemoServer(app=app, port=port)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def browser(chromium_path: str):
    """One headless Chromium per module (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) and page, French UI."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 1400})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
