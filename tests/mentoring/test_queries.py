"""The heatmap and the queue run a constant number of SQL statements whatever the cohort size."""

import importlib.util
from pathlib import Path

from flask import g
from sqlalchemy import event

from catalyst_training.extensions import db

BENCH = Path(__file__).resolve().parents[2] / "bench" / "mentoring.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_mentoring", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _count(client, path):
    seen = []

    def on(*_args):
        seen.append(1)

    g.pop("_login_user", None)  # the fixture's app context outlives requests
    event.listen(db.engine, "before_cursor_execute", on)
    try:
        resp = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", on)
    assert resp.status_code == 200
    return len(seen)


PATHS = (
    "/mentor/",
    "/mentor/?sort=progress&stalled=1",
    "/mentor/?sort=activity&status=in_progress&module=module-exemple",
    "/mentor/?sort=cohort&page=1",
    "/mentor/queue",
    "/mentor/queue?state=submitted",
)


def test_constant_queries(app, programme):
    bench = _bench()
    counts = {}
    for size in (5, 60):
        mentor_id = bench.populate(size, seed=size)
        db.session.remove()
        client = app.test_client()
        bench.login(client, mentor_id)
        _count(client, "/mentor/")  # warm the per-process caches (CSP origins, parsed modules)
        counts[size] = [_count(client, path) for path in PATHS]
        g.pop("_login_user", None)
        last = client.get("/mentor/?page=2" if size > 50 else "/mentor/").get_data(as_text=True)
        assert f"Apprenant {size - 1:05d}" in last
    assert counts[5] == counts[60], counts
