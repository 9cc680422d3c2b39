"""Mentor dashboard benchmark: heatmap and grading queue for a cohort of N learners x 8 modules.

Counts the SQL statements of each page (must not grow with the cohort) and compares the page's
server time with one raw SELECT of the same rows, in the same run.

    python bench/mentoring.py                       # 100 and 1,000 learners (< 40 s)
    python bench/mentoring.py --sizes 100,1000,5000 --repeat 9

Last line (contract):
BENCH mentoring queries_100=<n> queries_1000=<n> ratio_vs_raw_1000=<page / raw SELECT>
"""

from __future__ import annotations

import argparse
import logging
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import event, insert, select, text  # noqa: E402

# The baseline: the least SQL that reads what the page shows, by hand, in one statement: the
# same page of learners (the mentor's cohorts, sorted by display name as the page sorts them,
# then user id; LIMIT/OFFSET) with the total, each learner's aggregates over the programme's
# modules (completed, last activity) and their cells (one progress row per module).
RAW = """
WITH page AS (
  SELECT cm.user_id AS user_id, cm.cohort_id AS cohort_id, c.name AS cohort,
         COALESCE(NULLIF(u.name, ''),
                  CASE WHEN NULLIF(u.given_name, '') IS NOT NULL
                        AND NULLIF(u.family_name, '') IS NOT NULL
                       THEN u.given_name || ' ' || u.family_name
                       ELSE COALESCE(NULLIF(u.given_name, ''), NULLIF(u.family_name, '')) END,
                  NULLIF(u.email, ''),
                  'Participant ' || SUBSTR(COALESCE(NULLIF(u.sub, ''), CAST(u.id AS TEXT)), 1, 8)
         ) AS display,
         COUNT(*) OVER () AS total
  FROM cohort_members cm JOIN users u ON u.id = cm.user_id JOIN cohorts c ON c.id = cm.cohort_id
  WHERE cm.cohort_id IN (SELECT cohort_id FROM cohort_mentors WHERE user_id = :mentor)
  ORDER BY {lower}(display), cm.user_id, cm.cohort_id
  LIMIT :size OFFSET 0
), agg AS (
  SELECT user_id, SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS completed,
         MAX(last_activity_at) AS last_activity
  FROM module_progress
  WHERE user_id IN (SELECT user_id FROM page) AND module_slug IN :slugs
  GROUP BY user_id
)
SELECT page.user_id, page.display, page.cohort, page.total, agg.completed, agg.last_activity,
       p.module_slug, p.status, p.assignment_state, p.score, p.last_activity_at
FROM page LEFT JOIN agg ON agg.user_id = page.user_id
LEFT JOIN module_progress p ON p.user_id = page.user_id AND p.module_slug IN :slugs
ORDER BY {lower}(page.display), page.user_id, page.cohort_id"""


def programme_folder(dest: Path) -> Path:
    """The six real modules plus two copies under other slugs: eight modules."""
    src = ROOT / "modules"
    folders = sorted(p for p in src.iterdir() if p.is_dir())
    for folder in folders:
        shutil.copytree(folder, dest / folder.name)
    for i, folder in enumerate(folders[:2], start=7):
        slug = folder.name.split("-", 1)[1] + "-bis"
        target = dest / f"{i:02d}-{slug}"
        shutil.copytree(folder, target)
        yaml = target / "module.yaml"
        lines = yaml.read_text().splitlines()
        lines[0] = f"slug: {slug}"
        lines = [f"order: {i}" if line.startswith("order:") else line for line in lines]
        yaml.write_text("\n".join(lines) + "\n")
    return dest


def populate(n: int, seed: int = 7) -> int:
    """A platform, course run, cohort, mentor and n learners with realistic progress."""
    from catalyst_training.auth.models import Context, Membership, User
    from catalyst_training.content.services import current_versions
    from catalyst_training.core.models import utcnow
    from catalyst_training.extensions import db
    from catalyst_training.learning.models import ModuleProgress, Submission
    from catalyst_training.lti.models import Platform
    from catalyst_training.mentoring import territories
    from catalyst_training.mentoring.models import CohortMember

    rnd = random.Random(seed)
    plat = Platform(name="Bench", issuer=f"https://bench/{n}", client_id="b")
    db.session.add(plat)
    db.session.flush()
    ctx = Context(platform_id=plat.id, context_id=f"bench-{n}")
    db.session.add(ctx)
    db.session.flush()
    territory = territories.create_territory(f"Commune {n}", f"{10000 + n % 89999:05d}")
    cohort = territories.create_cohort("Bench", f"bench-{n}", territory, ctx.id)
    mentor = User(platform_id=plat.id, sub=f"mentor-{n}", name="Mentor")
    db.session.add(mentor)
    db.session.flush()
    territories.add_mentor(cohort, mentor)
    versions = current_versions()
    now = utcnow()
    first = db.session.scalar(select(db.func.coalesce(db.func.max(User.id), 0)))
    db.session.execute(
        insert(User),
        [
            {
                "id": first + i + 1,
                "platform_id": plat.id,
                "sub": f"l{n}-{i}",
                "name": f"Apprenant {i:05d}",
            }
            for i in range(n)
        ],
    )
    ids = [first + i + 1 for i in range(n)]
    if db.engine.dialect.name == "postgresql":
        # Explicit ids bypass the sequence: move it past them so later inserts do not collide.
        db.session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT MAX(id) FROM users))"
            )
        )
    db.session.execute(
        insert(Membership),
        [{"user_id": u, "context_id": ctx.id, "role": "learner", "lti_roles": []} for u in ids],
    )
    db.session.execute(
        insert(CohortMember),
        [
            {
                "cohort_id": cohort.id,
                "user_id": u,
                "context_id": ctx.id,
                "source": "launch",
                "placed_at": now,
            }
            for u in ids
        ],
    )
    rows, subs = [], []
    for u in ids:
        reached = rnd.randint(0, len(versions))
        for k, v in enumerate(versions):
            if k > reached:
                break
            done = k < reached
            state = "approved" if done else rnd.choice([None, "submitted", "returned"])
            rows.append(
                {
                    "user_id": u,
                    "module_slug": v.slug,
                    "status": "completed" if done else "in_progress",
                    "score": round(rnd.uniform(50, 100), 1) if done else None,
                    "assignment_state": state,
                    "quiz_passed": done,
                    "last_activity_at": now - timedelta(days=rnd.randint(0, 40)),
                }
            )
            if state == "submitted":
                subs.append(
                    {
                        "user_id": u,
                        "module_slug": v.slug,
                        "module_version_id": v.id,
                        "number": 1,
                        "state": "submitted",
                        "text": "…",
                        "submitted_at": now - timedelta(hours=rnd.randint(1, 500)),
                    }
                )
    db.session.execute(insert(ModuleProgress), rows)
    if subs:
        db.session.execute(insert(Submission), subs)
    db.session.commit()
    return mentor.id


class QueryCounter:
    """Counts statements on an engine between start() and stop()."""

    def __init__(self, engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._on)

    def _on(self, *_args) -> None:
        self.count += 1


def login(client, user_id: int, context_pk: int | None = None) -> None:
    """A mentor session in a test client."""
    with client.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"] = str(user_id), True
        sess["act"] = {
            "user_id": user_id,
            "role": "mentor",
            "platform_id": None,
            "context_pk": context_pk,
            "resource_link_pk": None,
            "launch_id": None,
            "locale": "fr",
        }


PAGES = (
    ("heatmap", "/mentor/"),
    ("queue", "/mentor/queue"),
    # Not in the BENCH line: sorts and filters that need every learner's aggregates.
    ("heatmap_progress", "/mentor/?sort=progress"),
    ("heatmap_stalled", "/mentor/?stalled=1&sort=activity"),
)


def raw_statement(dialect: str):
    """RAW for the dialect, sorted on the same key as the page (heatmap_sql.sort_lower)."""
    from sqlalchemy import bindparam

    key = 'lower({}) COLLATE "C"' if dialect == "postgresql" else "py_lower({})"
    sql = RAW.replace("{lower}(display)", key.format("display"))
    sql = sql.replace("{lower}(page.display)", key.format("page.display"))
    return text(sql).bindparams(bindparam("slugs", expanding=True))


def raw_read(app, mentor_id: int) -> list:
    """One execution of the baseline, in its own app context like a request."""
    from catalyst_training.extensions import db
    from catalyst_training.mentoring.dashboard import programme_modules
    from catalyst_training.mentoring.paging import page_size

    with app.app_context():
        slugs = [m.slug for m in programme_modules()]
        params = {"mentor": mentor_id, "size": page_size(app.config), "slugs": slugs}
        rows = db.session.execute(raw_statement(db.engine.dialect.name), params).fetchall()
        db.session.remove()
    return rows


def check_same_rows(app, mentor_id: int) -> None:
    """The baseline reads the page's learners, in the page's order (else the ratio lies)."""
    from catalyst_training.core.models import utcnow
    from catalyst_training.mentoring import dashboard
    from catalyst_training.mentoring.access import Viewer
    from catalyst_training.mentoring.paging import Page, page_size

    rows = raw_read(app, mentor_id)
    with app.test_request_context():
        page = Page(1, page_size(app.config), 0)
        _programme, _modules, shown, _page = dashboard.heatmap(
            Viewer(mentor_id, "mentor"), dashboard.Filters(), utcnow(), 14, page
        )
    raw_ids = list(dict.fromkeys(r.user_id for r in rows))
    if raw_ids != [r.user_id for r in shown]:
        raise SystemExit("the raw baseline does not read the page's learners")


def measure(app, client, counter, mentor_id: int, repeat: int) -> dict[str, float]:
    """Queries and median server time of each page and of the raw read, interleaved.

    Each round times every page once and the raw read once, so that the machine's noise (shared
    cores) falls on the page and on its baseline alike.
    """
    check_same_rows(app, mentor_id)
    times: dict[str, list[float]] = {name: [] for name, _path in PAGES}
    times["raw"] = []
    out: dict[str, float] = {}
    for name, path in PAGES:
        client.get(path)  # warm the per-process caches (parsed modules, CSP origins)
        counter.count = 0
        if client.get(path).status_code != 200:
            raise SystemExit(f"{path}: not 200")
        out[f"{name}_queries"] = counter.count
    raw_read(app, mentor_id)
    for _ in range(repeat):
        for name, path in PAGES:
            start = time.perf_counter()
            client.get(path)
            times[name].append(time.perf_counter() - start)
        start = time.perf_counter()
        raw_read(app, mentor_id)
        times["raw"].append(time.perf_counter() - start)
    for name, values in times.items():
        out[f"{name}_s"] = statistics.median(values)
    return out


def run(size: int, repeat: int) -> dict[str, float]:
    """One fresh database, one cohort of `size` learners."""
    from flask_migrate import upgrade

    from catalyst_training import create_app
    from catalyst_training.content.services import sync_modules
    from catalyst_training.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        content = programme_folder(Path(tmp) / "modules")
        app = create_app(
            {
                "INSTANCE_PATH": str(Path(tmp) / "instance"),
                "SECRET_KEY": "bench",
                "CONTENT_PATH": str(content),
                "LOG_LEVEL": "WARNING",
            }
        )
        with app.app_context():
            upgrade(revision="heads")
            sync_modules(content)
            db.session.commit()
            mentor_id = populate(size)
            counter = QueryCounter(db.engine)
            db.session.remove()
        client = app.test_client()
        login(client, mentor_id)
        result = measure(app, client, counter, mentor_id, repeat)
        with app.app_context():
            db.engine.dispose()
        return result


def main(argv: list[str] | None = None) -> int:
    """Run the sizes and print the BENCH line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="course run sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=9, help="timed requests per page")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = {}
    for size in sizes:
        r = results[size] = run(size, args.repeat)
        print(
            f"{size:>6} learners: heatmap {r['heatmap_s'] * 1000:7.1f} ms "
            f"({r['heatmap_queries']:.0f} queries)  raw read {r['raw_s'] * 1000:6.1f} ms  "
            f"heatmap/raw {r['heatmap_s'] / r['raw_s']:4.2f}x  "
            f"queue {r['queue_s'] * 1000:6.1f} ms ({r['queue_queries']:.0f} queries)  "
            f"by progress {r['heatmap_progress_s'] * 1000:6.1f} ms "
            f"({r['heatmap_progress_queries']:.0f})  "
            f"stalled {r['heatmap_stalled_s'] * 1000:6.1f} ms ({r['heatmap_stalled_queries']:.0f})",
            flush=True,
        )
    small = results.get(100) or results[sizes[0]]
    big = results.get(1000) or results[sizes[-1]]
    large = results.get(10000)
    scale = f"{large['heatmap_s'] / big['heatmap_s']:.2f}" if large and 1000 in results else "na"
    print(
        f"BENCH mentoring queries_100={small['heatmap_queries']:.0f} "
        f"queries_1000={big['heatmap_queries']:.0f} "
        f"ratio_vs_raw_1000={big['heatmap_s'] / big['raw_s']:.2f} "
        f"ratio_10000_vs_1000={scale}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
