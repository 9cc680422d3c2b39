"""Grade passback benchmark: score changes through the outbox to a local AGS endpoint.

A minimal WSGI endpoint (token + scores) is served on 127.0.0.1 by a threaded server. The tool
(create_app on a migrated SQLite instance) records N score changes (ScoreEvent rows: the outbox
listener writes one delivery each), then its worker delivers them. Baseline in the same run: a
raw keep-alive POST loop of the same N score bodies to the same endpoint. Then a second, smaller
run where 30% of the endpoint's answers fail at random (503): every grade must still arrive.

    python bench/passback.py                  # quick run (< 40 s)
    python bench/passback.py --scores 10000   # full size

Last line (contract):
BENCH passback scores_per_s=<x> ratio_vs_raw=<ours / raw loop> token_requests=<n>
delivered_pct_with_failures=<pct>
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402

from catalyst_training import create_app  # noqa: E402
from catalyst_training.core.models import utcnow  # noqa: E402
from catalyst_training.extensions import db  # noqa: E402

SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
MODULES = 10


class Endpoint:
    """Token endpoint + `<lineitem>/scores`, counting requests; optional random failures."""

    def __init__(self) -> None:
        self.fail_rate = 0.0
        self.token_requests = 0
        self.scores = 0
        self.received: set[tuple[str, str]] = set()
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        size = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(size) if size else b""
        if path == "/token":
            with self.lock:
                self.token_requests += 1
            data = json.dumps({"access_token": "t0k", "token_type": "bearer", "expires_in": 3600})
            start_response("200 OK", [("Content-Type", "application/json")])
            return [data.encode()]
        if path.endswith("/scores") and environ.get("HTTP_AUTHORIZATION") == "Bearer t0k":
            if self.fail_rate and random.random() < self.fail_rate:
                start_response("503 Service Unavailable", [("Content-Length", "0")])
                return [b""]
            score = json.loads(body)
            with self.lock:
                self.scores += 1
                self.received.add((path, score["userId"]))
            start_response("200 OK", [("Content-Length", "0")])
            return [b""]
        start_response("401 Unauthorized", [("Content-Length", "0")])
        return [b""]


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        """No access log."""


def setup_tool(tmp: Path, base: str, learners: int):
    """A migrated tool with one platform, a course, MODULES links and the learners."""
    from flask_migrate import upgrade

    from catalyst_training.auth.models import Context, Membership, ResourceLink, User
    from catalyst_training.lti import keys
    from catalyst_training.lti.models import Platform

    app = create_app({"INSTANCE_PATH": str(tmp), "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING",
                      "OUTBOX_BACKOFF_BASE": 0.01, "OUTBOX_BACKOFF_MAX": 0.2,
                      "OUTBOUND_ALLOW": "127.0.0.0/8"})  # fmt: skip
    ctx = app.app_context()
    ctx.push()
    upgrade(revision="heads")
    keys.ensure_key()
    platform = Platform(name="bench", issuer="https://bench", client_id="c1",
                        auth_token_url=f"{base}/token")  # fmt: skip
    db.session.add(platform)
    db.session.flush()
    context = Context(platform_id=platform.id, context_id="course")
    db.session.add(context)
    db.session.flush()
    for m in range(MODULES):
        db.session.add(ResourceLink(platform_id=platform.id, context_id=context.id,
                                    resource_link_id=f"rl{m}", module_slug=f"m{m}",
                                    lineitem_url=f"{base}/li/{m}", ags_scopes=[SCORE]))  # fmt: skip
    users = [User(platform_id=platform.id, sub=f"learner-{i}") for i in range(learners)]
    db.session.add_all(users)
    db.session.flush()
    db.session.add_all(
        Membership(user_id=u.id, context_id=context.id, role="learner") for u in users
    )
    db.session.commit()
    return app, [u.id for u in users]


def record_changes(user_ids: list[int], count: int, offset: int) -> float:
    """Write `count` score changes (one per learner x module); seconds taken."""
    from catalyst_training.learning.models import ScoreEvent

    started = time.perf_counter()
    for n in range(count):
        user, module = user_ids[(n // MODULES) % len(user_ids)], (n + offset) % MODULES
        db.session.add(ScoreEvent(user_id=user, module_slug=f"m{module}", score_given=n % 101,
                                  activity_progress="Completed",
                                  grading_progress="FullyGraded", created_at=utcnow()))  # fmt: skip
        if n % 500 == 499:
            db.session.commit()
    db.session.commit()
    return time.perf_counter() - started


def deliver_all(timeout: float) -> float:
    """Run the worker until no delivery is pending; seconds taken."""
    from catalyst_training.delivery import worker
    from catalyst_training.delivery.admin import counts_by_state

    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        worker.run(threading.Event(), once=True, worker="bench")
        counts = counts_by_state()
        if not counts["pending"] and not counts["in_flight"]:
            break
        time.sleep(0.02)
    return time.perf_counter() - started


def raw_loop(base: str, count: int) -> float:
    """The baseline: the same score bodies POSTed one after the other on one keep-alive session."""
    session = requests.Session()
    headers = {"Authorization": "Bearer t0k",
               "Content-Type": "application/vnd.ims.lis.v1.score+json"}  # fmt: skip
    started = time.perf_counter()
    for n in range(count):
        body = {"userId": f"raw-{n}", "scoreGiven": n % 101, "scoreMaximum": 100.0,
                "activityProgress": "Completed", "gradingProgress": "FullyGraded",
                "timestamp": "2026-01-01T00:00:00.000Z"}  # fmt: skip
        session.post(f"{base}/li/{n % MODULES}/scores", json=body, headers=headers, timeout=10)
    return time.perf_counter() - started


def main() -> None:
    """Run both measurements and print the BENCH line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scores", type=int, default=2000, help="score changes (default 2000)")
    parser.add_argument(
        "--failure-scores",
        type=int,
        default=None,
        help="score changes of the 30%%-failure run (default: min(scores, 1000))",
    )
    parser.add_argument("--fail-rate", type=float, default=0.3)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    endpoint = Endpoint()
    server = make_server("127.0.0.1", 0, endpoint, threaded=True, request_handler=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    learners = max(1, -(-args.scores // MODULES))
    with tempfile.TemporaryDirectory() as tmp:
        _app, user_ids = setup_tool(Path(tmp), base, learners)
        raw_s = raw_loop(base, args.scores)
        endpoint.scores = 0
        record_s = record_changes(user_ids, args.scores, 0)
        ours_s = deliver_all(timeout=600)
        delivered = endpoint.scores
        tokens = endpoint.token_requests
        fail_n = args.failure_scores or min(args.scores, 1000)
        endpoint.fail_rate, endpoint.received = args.fail_rate, set()
        record_changes(user_ids, fail_n, 1)  # other modules: new line items for everyone
        from catalyst_training.delivery.admin import counts_by_state

        before = counts_by_state()["delivered"]
        fail_s = deliver_all(timeout=300)
        arrived = counts_by_state()["delivered"] - before
        db.session.remove()
    server.shutdown()
    pct = 100.0 * min(arrived, len(endpoint.received)) / fail_n
    ours_rate, raw_rate = delivered / ours_s, args.scores / raw_s
    print(f"raw keep-alive loop: {args.scores} POSTs in {raw_s:.2f} s = {raw_rate:.0f}/s")
    print(f"recording {args.scores} score changes (outbox rows in the same commit): "
          f"{record_s:.2f} s = {args.scores / record_s:.0f}/s")  # fmt: skip
    print(f"ours: {delivered} scores delivered in {ours_s:.2f} s = {ours_rate:.0f}/s, "
          f"token requests {tokens}")  # fmt: skip
    print(f"with {args.fail_rate:.0%} failures: {arrived}/{fail_n} delivered in {fail_s:.2f} s "
          f"({endpoint.token_requests - tokens} more token requests)")  # fmt: skip
    print(f"BENCH passback scores_per_s={ours_rate:.1f} ratio_vs_raw={ours_rate / raw_rate:.2f} "
          f"token_requests={tokens} delivered_pct_with_failures={pct:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
