"""Load benchmark: a mixed learner workload against gunicorn on PostgreSQL + Redis, vs /healthz.

One gunicorn node started with deploy/gunicorn.conf.py (production defaults: gthread, cores + 1
workers, 4 threads) on a scratch PostgreSQL database and a private redis-server, the sample
module (unlimited quiz attempts), a TestPlatform in this process. N virtual users (threads, one
learner each, keep-alive HTTP sessions) first request /healthz for half the duration (baseline),
then run the mixed workload for the duration: launch (login + id_token POST, the platform's
signing step untimed), module page, lesson view, quiz start + submit, progress page.

    python bench/load.py                          # quick run (< 40 s)
    python bench/load.py --duration 60 --users 50 # full run

Last line (contract):
BENCH load rps=<x> ratio_vs_healthz=<mixed rps / healthz rps>
p95_ratio_max=<worst type p95 / healthz p95> errors=<n>
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.platform import TestPlatform  # noqa: E402
from tests.prod.nodes import (  # noqa: E402
    SAMPLE_CONTENT,
    Node,
    RedisServer,
    ScratchDatabase,
    node_env,
    prepare_database,
)

SLUG = "module-exemple"
LESSON = "premiere-lecon"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
ANSWERS = {"q-q-single": "a", "q-q-vrai-faux": "true"}
# Share of each operation in the mix (a learner mostly reads; launches are rarer).
MIX = {"lesson": 36, "progress": 20, "module": 11, "quiz": 30, "launch": 3}
TIMEOUT = 30


class Stats:
    """Latencies per request type and error count, shared by the user threads."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.statuses: dict[str, int] = defaultdict(int)  # "type status" of each error
        self.lock = threading.Lock()

    def timed(self, kind: str, call, expected: tuple[int, ...]):
        """Run call(), record its duration under kind; count an error on another status."""
        start = time.perf_counter()
        try:
            resp = call()
            ok = resp.status_code in expected
        except Exception:
            resp, ok = None, False
        elapsed = time.perf_counter() - start
        with self.lock:
            self.times[kind].append(elapsed)
            if not ok:
                self.errors[kind] += 1
                self.statuses[f"{kind} {resp.status_code if resp is not None else 'exc'}"] += 1
        return resp


class User:
    """One virtual learner with its own browser-like session."""

    def __init__(self, number: int, base: str, platform: TestPlatform, stats: Stats) -> None:
        self.sub, self.base, self.platform, self.stats = f"load-{number}", base, platform, stats
        self.session = TestPlatform.session()
        self.token = ""
        self.rng = random.Random(number)

    def launch(self, timed: bool = True) -> None:
        """Login -> platform /auth -> launch POST; then read the CSRF token of the module page."""
        s, p = self.session, self.platform
        t0 = time.perf_counter()
        login = p.begin_login(s, "learner", user_id=self.sub, custom={"module": SLUG})
        t1 = time.perf_counter()
        ok = login.ok
        if ok:
            _action, id_token, state = p.authorize(s, login)  # platform signing: untimed
            t2 = time.perf_counter()
            resp = p.post_launch(s, id_token, state, url=self.base + "/lti/launch")
            t3 = time.perf_counter()
            ok = resp.status_code == 303
        if timed:
            with self.stats.lock:
                self.stats.times["launch"].append((t1 - t0) + ((t3 - t2) if login.ok else 0))
                if not ok:
                    self.stats.errors["launch"] += 1
        self.module(timed=timed)

    def module(self, timed: bool = True) -> None:
        """The module page (and its CSRF token)."""
        resp = self.get("module", f"/learn/m/{SLUG}/", timed)
        match = CSRF.search(resp.text) if resp is not None else None
        self.token = match.group(1) if match else self.token

    def get(self, kind: str, path: str, timed: bool = True):
        """GET a page, expecting 200."""
        call = lambda: self.session.get(self.base + path, timeout=TIMEOUT)  # noqa: E731
        return self.stats.timed(kind, call, (200,)) if timed else call()

    def quiz(self) -> None:
        """Start an attempt, then submit answers (each a request type of its own)."""
        data = {"csrf_token": self.token}
        start = self.stats.timed(
            "quiz_start",
            lambda: self.session.post(f"{self.base}/learn/m/{SLUG}/quiz/start", data=data,
                                      allow_redirects=False, timeout=TIMEOUT),
            (302,),
        )  # fmt: skip
        if start is None or "/attempts/" not in start.headers.get("Location", ""):
            return
        path = start.headers["Location"].split("://", 1)[-1].split("/", 1)[-1]
        fields = {**data, "action": "submit", **ANSWERS}
        self.stats.timed(
            "quiz_submit",
            lambda: self.session.post(f"{self.base}/{path}", data=fields,
                                      allow_redirects=False, timeout=TIMEOUT),
            (303,),
        )  # fmt: skip

    def step(self) -> None:
        """One operation drawn from MIX."""
        kind = self.rng.choices(list(MIX), weights=list(MIX.values()))[0]
        if kind == "lesson":
            self.get("lesson", f"/learn/m/{SLUG}/lessons/{LESSON}")
        elif kind == "progress":
            self.get("progress", "/learn/progress")
        elif kind == "module":
            self.module()
        elif kind == "quiz":
            self.quiz()
        else:
            self.launch()


def run_phase(users: list[User], seconds: float, action) -> float:
    """Every user runs action(user) in a loop for `seconds`; return the elapsed time."""
    deadline = time.monotonic() + seconds
    start = time.perf_counter()

    def loop(user: User) -> None:
        while time.monotonic() < deadline:
            action(user)

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        list(pool.map(loop, users))
    return time.perf_counter() - start


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of values, in milliseconds."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index] * 1000


def bench_content(tmp: Path) -> Path:
    """The sample module with (practically) unlimited quiz attempts: learners submit many times."""
    root = tmp / "modules"
    shutil.copytree(SAMPLE_CONTENT, root)
    quiz = next(root.glob("*/quiz.yaml"))
    quiz.write_text(re.sub(r"max_attempts: \d+", "max_attempts: 100000", quiz.read_text()))
    return root


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=12.0, help="mixed phase, seconds")
    parser.add_argument("--users", type=int, default=10, help="concurrent virtual users")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers")
    args = parser.parse_args(argv)
    server = os.environ.get("CATALYST_BENCH_DATABASE_URL") or os.environ.get(
        "CATALYST_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    tmp = Path(tempfile.mkdtemp(prefix="catalyst-load-"))
    redis = RedisServer().start()
    try:
        with ScratchDatabase(server, prefix="catalyst_load") as scratch:
            return run(args, tmp, scratch.url, redis.url)
    finally:
        redis.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp: Path, database_url: str, redis_url: str) -> int:
    """Deploy one node, warm the users up, run both phases, report."""
    content = bench_content(tmp)
    workers = {} if args.workers is None else {"CATALYST_WORKERS": str(args.workers)}
    node = Node("load", tmp, {})
    platform = TestPlatform(node.base_url).start()
    prepare_database(database_url, redis_url, tmp / "setup", platform, content)
    node.env.update(node_env(database_url, redis_url, node.base_url, tmp / "shared"))
    node.env.update({"CATALYST_CONTENT_PATH": str(content), "CATALYST_LOG_LEVEL": "WARNING",
                     "CATALYST_LOGIN_RATE_LIMIT": "1000000/minute", **workers})  # fmt: skip
    node.env.pop("CATALYST_WORKERS") if args.workers is None else None
    node.start()
    try:
        stats = Stats()
        users = [User(n, node.base_url, platform, stats) for n in range(args.users)]
        # Setup: one untimed launch each. The first alone: it creates the course's context row,
        # and concurrent first launches of a new context race on its unique key.
        users[0].launch(timed=False)
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda u: u.launch(timed=False), users[1:]))
        if any(not u.token for u in users):
            raise RuntimeError("some setup launches failed: " + node.log()[-2000:])
        health = Stats()
        base_time = run_phase(
            users, max(5.0, args.duration / 2),
            lambda u: health.timed("healthz", lambda: u.session.get(
                node.base_url + "/healthz", timeout=TIMEOUT), (200,)),
        )  # fmt: skip
        mixed_time = run_phase(users, args.duration, User.step)
    finally:
        node.stop()
        platform.stop()
    return report(stats, health, mixed_time, base_time, args)


def report(stats: Stats, health: Stats, mixed_time: float, base_time: float, args) -> int:
    """Print the per-type table and the BENCH line."""
    hz = health.times["healthz"]
    hz_rps, hz_p95 = len(hz) / base_time, pct(hz, 95)
    total = sum(len(v) for v in stats.times.values())
    rps = total / mixed_time
    print(f"users={args.users} mixed={mixed_time:.1f}s healthz={base_time:.1f}s "
          f"workers={args.workers or 'default'}")  # fmt: skip
    print(f"{'type':<12} {'count':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    rows = [("healthz", hz, base_time)] + [
        (k, v, mixed_time) for k, v in sorted(stats.times.items())
    ]
    worst = 0.0
    for kind, values, seconds in rows:
        print(f"{kind:<12} {len(values):>7} {len(values) / seconds:>8.1f} {pct(values, 50):>8.1f} "
              f"{pct(values, 95):>8.1f} {pct(values, 99):>8.1f}")  # fmt: skip
        if kind != "healthz":
            worst = max(worst, pct(values, 95) / hz_p95 if hz_p95 else 0.0)
    errors = sum(stats.errors.values()) + sum(health.errors.values())
    print(f"mixed {rps:.1f} req/s vs healthz {hz_rps:.1f} req/s; median mixed request "
          f"{statistics.median([x for v in stats.times.values() for x in v]) * 1000:.1f} ms; "
          f"errors: {dict(stats.statuses) or 0}")  # fmt: skip
    print(f"BENCH load rps={rps:.1f} ratio_vs_healthz={rps / hz_rps:.3f} "
          f"p95_ratio_max={worst:.2f} errors={errors}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
