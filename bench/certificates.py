"""Certificates benchmark: the console's bulk ZIP of N learners' certificates, and its memory.

N learners of one course run complete the real programme (six modules, progress rows inserted
in bulk), their certificates are issued through `credentials.services.issue_programme` (timed,
printed), then a coordinator downloads `POST /console/certificates.zip` through the Flask test
client, the response consumed chunk by chunk as a browser would (timed: `per_s`; peak RSS
growth over the download: `rss_growth_mb`, which must stay under 100 MB: the ZIP streams, one
PDF at a time).

Baseline, same run, same process: the raw ReportLab rendering of the very same pages
(`credentials.pdf.render` over the certificates read beforehand into memory, no app, no
request, no database, no ZIP), best of one run before and one after ours (the machine is
shared). `ratio_vs_raw` = ours per second / raw per second (1.0: the app, the queries and the
ZIP cost nothing next to the rendering).

    python bench/certificates.py                    # quick: 300 learners, ~25 s
    python bench/certificates.py --learners 1000    # the target size, ~60 s

Last line (contract):
BENCH certificates per_s=<n> rss_growth_mb=<n> ratio_vs_raw=<x> issue_per_s=<n>
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from bench.export import PeakRss  # noqa: E402
from catalyst_training import create_app  # noqa: E402
from catalyst_training.extensions import db  # noqa: E402


def populate(n: int) -> tuple[list[int], int, int]:
    """(learner ids, coordinator id, context id): n learners who completed every module."""
    from catalyst_training.auth.models import Context, Membership, User
    from catalyst_training.content.services import current_versions
    from catalyst_training.learning.models import ModuleProgress
    from catalyst_training.lti.models import Platform
    from catalyst_training.mentoring import territories
    from catalyst_training.mentoring.models import CohortMember

    plat = Platform(name="Bench", issuer="https://bench.example", client_id="b")
    db.session.add(plat)
    db.session.flush()
    ctx = Context(platform_id=plat.id, context_id="bench", title="Session de mesure")
    db.session.add(ctx)
    db.session.flush()
    territory = territories.create_territory("Guéret", "23096", "Nouvelle-Aquitaine")
    cohort = territories.create_cohort("Cohorte Creuse – Guéret", "creuse", territory, ctx.id)
    coordinator = User(platform_id=plat.id, sub="coordinator", name="Coordination")
    db.session.add(coordinator)
    db.session.flush()
    db.session.add(
        Membership(user_id=coordinator.id, context_id=ctx.id, role="coordinator", lti_roles=[])
    )
    first = coordinator.id
    ids = [first + i + 1 for i in range(n)]
    names = ("Élodie", "François", "Zoé", "Noël", "Chloé", "Jérôme", "Anaïs", "Loïc")
    db.session.execute(
        insert(User),
        [
            {"id": u, "platform_id": plat.id, "sub": f"l-{u}",
             "name": f"{names[u % len(names)]} Lefèvre-{u:05d}"}
            for u in ids
        ],
    )  # fmt: skip
    db.session.execute(
        insert(Membership),
        [{"user_id": u, "context_id": ctx.id, "role": "learner", "lti_roles": []} for u in ids],
    )
    now = datetime.now(UTC)
    db.session.execute(
        insert(CohortMember),
        [
            {"cohort_id": cohort.id, "user_id": u, "context_id": ctx.id, "source": "launch",
             "placed_at": now - timedelta(days=90)}
            for u in ids
        ],
    )  # fmt: skip
    rows = [
        {"user_id": u, "module_slug": v.slug, "status": "completed", "score": 60 + (u + k) % 40,
         "assignment_state": "approved", "quiz_passed": True,
         "completed_at": now - timedelta(days=60 - 9 * k), "last_activity_at": now}
        for u in ids
        for k, v in enumerate(current_versions())
    ]  # fmt: skip
    db.session.execute(insert(ModuleProgress), rows)
    db.session.commit()
    return ids, coordinator.id, ctx.id


def login(client, user_id: int, context_pk: int) -> None:
    """A coordinator session in a test client."""
    with client.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"] = str(user_id), True
        sess["act"] = {"user_id": user_id, "role": "coordinator", "platform_id": 1,
                       "context_pk": context_pk, "resource_link_pk": None, "launch_id": None,
                       "locale": "fr"}  # fmt: skip


def download(client) -> tuple[int, int, float, float]:
    """(bytes, PDFs, seconds, RSS growth MB) of the console's ZIP, consumed as it streams."""
    with PeakRss() as rss:
        start = time.perf_counter()
        response = client.post("/console/certificates.zip", buffered=False)
        assert response.status_code == 200, response.status_code
        size = entries = 0
        for chunk in response.response:
            size += len(chunk)
            entries += chunk.startswith(b"PK\x03\x04")  # a chunk per PDF, from its header
        response.close()
        elapsed = time.perf_counter() - start
    return size, entries, elapsed, rss.growth_mb


def raw_render(pages, render) -> tuple[int, float]:
    """(bytes, seconds) of rendering the pages with ReportLab alone."""
    start = time.perf_counter()
    size = sum(len(render(p, "https://catalyst.example.org")) for p in pages)
    return size, time.perf_counter() - start


def main() -> None:
    """Populate, issue, download the ZIP, render the same pages raw, print the BENCH line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=300)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    from flask_migrate import upgrade

    from catalyst_training.content.services import sync_modules
    from catalyst_training.credentials import services
    from catalyst_training.credentials.bulk import printable
    from catalyst_training.credentials.models import Certificate
    from catalyst_training.credentials.pdf import render

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "SECRET_KEY": "bench", "TESTING": True,
                          "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                          "BASE_URL": "https://catalyst.example.org"})  # fmt: skip
        with app.app_context():
            upgrade(revision="heads")
            sync_modules(str(ROOT / "modules"))
            db.session.commit()
            ids, coordinator, context_pk = populate(args.learners)
            start = time.perf_counter()
            for user_id in ids:
                services.issue_programme(user_id, datetime.now(UTC))
            db.session.commit()
            issue_s = time.perf_counter() - start
            pages = [printable(c) for c in db.session.scalars(select(Certificate))]
            db.session.expunge_all()
            print(f"{len(pages)} certificates issued in {issue_s:.1f} s "
                  f"({len(pages) / issue_s:.0f}/s, through issue_programme)")  # fmt: skip
            client = app.test_client()
            login(client, coordinator, context_pk)
            raw_bytes, raw_s = raw_render(pages, render)
            size, entries, ours_s, growth = download(client)
            assert entries == len(pages) == args.learners, (entries, len(pages))
            raw_s = min(raw_s, raw_render(pages, render)[1])  # best of before and after
            ours, raw = entries / ours_s, len(pages) / raw_s
            print(f"bulk ZIP (ours)  : {ours:8.1f} certificates/s ({ours_s:.1f} s, "
                  f"{size / 1e6:.1f} MB, RSS +{growth:.1f} MB)")  # fmt: skip
            print(
                f"raw ReportLab    : {raw:8.1f} pages/s ({raw_s:.1f} s, {raw_bytes / 1e6:.1f} MB)"
            )
            db.engine.dispose()
    print(
        f"BENCH certificates per_s={ours:.1f} rss_growth_mb={growth:.1f} "
        f"ratio_vs_raw={ours / raw:.2f} issue_per_s={len(pages) / issue_s:.0f}"
    )


if __name__ == "__main__":
    main()
