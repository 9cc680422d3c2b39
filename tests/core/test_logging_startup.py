"""Logs survive start-up: migrations run inside the app never reconfigure logging."""

from __future__ import annotations

import io
import json
import logging

from catalyst_training.cli import initialise
from catalyst_training.core import logging as core_logging
from tests.platform import TestPlatform

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJsZWFrZWQtc3ViLTEyMyJ9.c2lnbmF0dXJlLXZhbHVl"


def test_initialisation_keeps_our_handler_then_a_launch_is_logged_with_its_request_id(
    app, platform
):
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = core_logging.configure("INFO", "json", stream)
    try:
        initialise(app)  # what `serve` and `demo` run first: migrations, keys, programme
        assert handler in root.handlers, "migrations replaced the root handlers"
        assert root.level == logging.INFO
        result = platform.launch(TestPlatform.session(), "learner", user_id="u-logged")
        assert result.response.status_code == 303
        with app.test_request_context(headers={"X-Request-ID": "req-after-start"}):
            app.preprocess_request()
            logging.getLogger("catalyst_training.test").info("launch id_token=%s", JWT)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    launches = [x for x in lines if x["message"].startswith("LTI launch:")]
    assert launches and launches[0]["level"] == "INFO"
    assert launches[0]["request_id"] not in ("", "-")
    probe = [x for x in lines if x["logger"] == "catalyst_training.test"]
    assert probe and probe[0]["request_id"] == "req-after-start"
    assert JWT not in stream.getvalue() and "[redacted]" in probe[0]["message"]
