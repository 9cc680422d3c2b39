"""xAPI benchmark: statements delivered to a local Ralph LRS through the outbox, vs raw POSTs.

N statements (lesson views, quiz answers and completions of learners of one course run, built by
the tool's own statement builders) wait in the outbox; the worker's xAPI queue
(`delivery.xapi.transport.run_batch`, default batches of CATALYST_XAPI_BATCH=200) claims them,
POSTs them to a Ralph LRS (ralph-malph, filesystem backend, started here on a free port) and
records each outcome: timed from the first claim to the last outcome committed (`per_s`).

Baseline, same run: a raw loop of the very same POSTs (same bodies with fresh ids, same batch
size) with one `requests.Session`, no database, to a second Ralph started alike (so both start
from an empty store: Ralph's filesystem backend reads its whole file to check ids, and gets
slower as it fills). `ratio_vs_raw` = ours / raw (1.0: the outbox costs nothing next to the
HTTP and the LRS). Then every statement is read back from Ralph: `lost` (recorded as delivered
but missing) and `duplicates` (held more than once) must both be 0.

    python bench/xapi.py                       # quick: 2,000 statements, ~20 s
    python bench/xapi.py --statements 20000    # the target size

Last line (contract):
BENCH xapi statements_per_s=<n> ratio_vs_raw=<x> lost=<n> duplicates=<n>
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from catalyst_training import create_app  # noqa: E402
from catalyst_training.extensions import db  # noqa: E402
from tests.delivery.xapi.ralph import HEADERS, PASSWORD, USER, Ralph  # noqa: E402


def populate(n: int, lrs_url: str) -> list[dict]:
    """n pending statements of 100 learners in the outbox; their bodies."""
    from catalyst_training.auth.models import Context, User
    from catalyst_training.delivery.xapi import endpoints
    from catalyst_training.delivery.xapi.models import XapiStatement
    from catalyst_training.delivery.xapi.statements import Who, activity, statement
    from catalyst_training.lti.models import Platform

    plat = Platform(name="Bench", issuer="https://bench.example", client_id="b")
    db.session.add(plat)
    db.session.flush()
    ctx = Context(platform_id=plat.id, context_id="course-v1:FUN+CAT+2026", title="Session")
    db.session.add(ctx)
    lrs = endpoints.configure(None, lrs_url, USER, PASSWORD)
    users = [User(platform_id=plat.id, sub=f"learner-{i:04d}") for i in range(100)]
    db.session.add_all(users)
    db.session.flush()
    start, bodies, rows = datetime(2026, 3, 2, 9, tzinfo=UTC), [], []
    for i in range(n):
        user = users[i % len(users)]
        who = Who(
            user_id=user.id,
            issuer=plat.issuer,
            sub=user.sub,
            platform_pk=plat.id,
            context_pk=ctx.id,
            context_ref=ctx.context_id,
            context_title=ctx.title,
        )
        at = start + timedelta(seconds=i)
        obj = activity("lesson", ("modules", "m01", "lessons", f"l{i % 7}"), f"Leçon {i % 7}")
        body = statement(("bench", i), who, "experienced", obj, at)
        bodies.append(body)
        rows.append(
            {
                "statement_id": body["id"],
                "lrs_id": lrs.id,
                "user_id": user.id,
                "platform_id": plat.id,
                "context_id": ctx.id,
                "verb": "experienced",
                "timestamp": at,
                "body": body,
                "state": "pending",
                "attempts": 0,
                "next_attempt_at": start,
                "created_at": start,
                "updated_at": start,
            }
        )
    for chunk in range(0, n, 1000):
        db.session.execute(insert(XapiStatement), rows[chunk : chunk + 1000])
    db.session.commit()
    return bodies


def ours() -> tuple[int, float]:
    """Run the xAPI queue until nothing waits: (statements delivered, seconds)."""
    from catalyst_training.core.clock import clock_of
    from catalyst_training.delivery.xapi import transport

    clock, delivered = clock_of(), 0
    start = time.perf_counter()
    while True:
        counts = transport.run_batch("bench", clock)
        if not counts:
            break
        delivered += counts["delivered"]
        if counts["pending"] or counts["dead"]:
            raise SystemExit(f"the LRS refused statements: {counts}")
    return delivered, time.perf_counter() - start


def raw(bodies: list[dict], url: str, batch: int) -> float:
    """The same POSTs from a plain loop (fresh ids: another store); seconds."""
    copies = [{**b, "id": str(uuid.uuid4())} for b in bodies]
    with requests.Session() as session:
        start = time.perf_counter()
        for i in range(0, len(copies), batch):
            resp = session.post(
                url + "statements",
                json=copies[i : i + batch],
                auth=(USER, PASSWORD),
                headers=HEADERS,
                timeout=60,
            )
            resp.raise_for_status()
        return time.perf_counter() - start


def main() -> None:
    """Fill the outbox, deliver it, do the same raw, read back, print the BENCH line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--statements", type=int, default=2000)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    from flask_migrate import upgrade

    from catalyst_training.delivery.xapi.models import XapiStatement

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Ralph(folder / "ralph-ours") as lrs_ours, Ralph(folder / "ralph-raw") as lrs_raw:
            app = create_app(
                {
                    "INSTANCE_PATH": str(folder / "instance"),
                    "SECRET_KEY": "bench",
                    "TESTING": True,
                    "OUTBOUND_ALLOW": "127.0.0.0/8",
                    "BASE_URL": "https://catalyst.example.org",
                }
            )
            with app.app_context():
                upgrade(revision="heads")
                bodies = populate(args.statements, lrs_ours.base_url)
                batch = int(app.config["XAPI_BATCH"])
                delivered, ours_s = ours()
                raw_s = raw(bodies, lrs_raw.base_url, batch)
                waiting = db.session.scalar(
                    select(func.count()).where(XapiStatement.state != "delivered")
                )
                db.engine.dispose()
            held = lrs_ours.statements()
    ids = [s["id"] for s in held]
    wanted = {b["id"] for b in bodies}
    lost = len(wanted - set(ids)) + waiting
    duplicates = len(ids) - len(set(ids))
    per_s, raw_per_s = delivered / ours_s, len(bodies) / raw_s
    print(f"outbox -> Ralph : {per_s:8.1f} statements/s ({ours_s:.1f} s, batches of {batch})")
    print(f"raw requests    : {raw_per_s:8.1f} statements/s ({raw_s:.1f} s)")
    print(f"read back       : {len(held)} held, {len(set(ids))} distinct, {waiting} not delivered")
    print(
        f"BENCH xapi statements_per_s={per_s:.1f} ratio_vs_raw={per_s / raw_per_s:.2f} "
        f"lost={lost} duplicates={duplicates}"
    )


if __name__ == "__main__":
    main()
