"""Benchmark the completion-record exports (the web download's code) against a raw SQLite read.

python bench/export.py                       # quick: 3,000 learners x 8 modules
python bench/export.py --learners 20000      # full sizes: 20,000 and 200,000
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sqlite3
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.dialects import sqlite as sqlite_dialect

from catalyst_training import create_app
from catalyst_training.extensions import db
from catalyst_training.reporting import exports, records
from catalyst_training.reporting.filters import Filters

STAMP = "%Y-%m-%d %H:%M:%S.%f"


def build(path: str, learners: int, modules: int) -> None:
    """Bulk-insert a programme: territories, cohorts, learners, progress, decisions."""
    rng = random.Random(7)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    ts = now.strftime(STAMP)
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA journal_mode=MEMORY")
    cur = con.cursor()
    cur.execute(
        "INSERT INTO platforms (id, name, lti_version, issuer, client_id, active, created_at,"
        " updated_at) VALUES (1, 'FUN MOOC', '1.3', 'https://fun.test', 'c', 1, ?, ?)",
        (ts, ts),
    )
    cur.execute(
        "INSERT INTO contexts (id, platform_id, context_id, title, created_at, updated_at)"
        " VALUES (1, 1, 'course-v1:FUN+CAT+2026', 'CAT 2026', ?, ?)",
        (ts, ts),
    )
    cur.executemany(
        "INSERT INTO module_versions (id, slug, version, title, snapshot, is_current, created_at)"
        " VALUES (?, ?, ?, ?, '{}', 1, ?)",
        [
            (m + 1, f"module-{m + 1:02d}", f"{m:064x}", f"Module {m + 1}", ts)
            for m in range(modules)
        ],
    )
    territories = 40
    cur.executemany(
        "INSERT INTO territories (id, name, code, kind, region, created_at, updated_at)"
        " VALUES (?, ?, ?, 'commune', ?, ?, ?)",
        [
            (t + 1, f"Commune {t}", f"{10000 + t}", f"Région {t % 5}", ts, ts)
            for t in range(territories)
        ],
    )
    cur.executemany(
        "INSERT INTO cohorts (id, name, slug, territory_id, context_id, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, 1, ?, ?)",
        [(t + 1, f"Cohorte {t}", f"cohorte-{t}", t + 1, ts, ts) for t in range(territories)],
    )
    mentor0 = learners + 1
    users = [
        (i, f"learner-{i:07d}", f"Apprenant {i}", f"a{i}@example.org")
        for i in range(1, learners + 1)
    ]
    users += [(mentor0 + t, f"mentor-{t}", f"Mentor {t}", None) for t in range(territories)]
    cur.executemany(
        "INSERT INTO users (id, platform_id, sub, name, email, is_coordinator_account, created_at,"
        " updated_at) VALUES (?, 1, ?, ?, ?, 0, ?, ?)",
        [(*u, ts, ts) for u in users],
    )
    cur.executemany(
        "INSERT INTO memberships (user_id, context_id, role, lti_roles, active, created_at,"
        " updated_at) VALUES (?, 1, ?, '[]', 1, ?, ?)",
        [(u[0], "learner" if u[0] <= learners else "mentor", ts, ts) for u in users],
    )
    cur.executemany(
        "INSERT INTO cohort_mentors (cohort_id, user_id) VALUES (?, ?)",
        [(t + 1, mentor0 + t) for t in range(territories)],
    )
    cur.executemany(
        "INSERT INTO cohort_members (cohort_id, user_id, context_id, source, placed_at)"
        " VALUES (?, ?, 1, 'launch', ?)",
        [(1 + i % territories, i, ts) for i in range(1, learners + 1)],
    )

    def progress():
        for i in range(1, learners + 1):
            for m in range(modules):
                if rng.random() < 0.15:
                    continue
                done = rng.random() < 0.5
                when = (now - timedelta(days=rng.randint(0, 90))).strftime(STAMP)
                yield (
                    i, f"module-{m + 1:02d}", "completed" if done else "in_progress",
                    rng.randint(0, 5), 5, rng.randint(0, 3), round(rng.uniform(0, 100), 1),
                    done, "approved" if done else None, 75.0 if done else None,
                    when if done else None, when,
                )  # fmt: skip

    cur.executemany(
        "INSERT INTO module_progress (user_id, module_slug, status, lessons_viewed, lessons_total,"
        " quiz_attempts, best_quiz_percent, quiz_passed, assignment_state, score, completed_at,"
        " last_activity_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        progress(),
    )
    cur.execute(
        "INSERT INTO submissions (user_id, module_slug, module_version_id, number, state, text,"
        " submitted_at, decided_at, decided_by_id, created_at, updated_at)"
        " SELECT p.user_id, p.module_slug, 1, 1, 'approved', '', p.completed_at, p.completed_at,"
        " ? + (p.user_id % ?), p.completed_at, p.completed_at"
        " FROM module_progress p WHERE p.status = 'completed'",
        (mentor0, territories),
    )
    con.commit()
    con.close()


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class PeakRss:
    """Peak RSS growth over a block: VmHWM reset through clear_refs, else sampling."""

    def __enter__(self):
        gc.collect()
        self.base = _rss_kb("VmRSS")
        self.peak = self.base
        try:
            Path("/proc/self/clear_refs").write_text("5")
            self.hwm = True
        except OSError:
            self.hwm = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        if not self.hwm:  # no peak reset available: sample (costs a little GIL time)
            self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, _rss_kb("VmRSS"))

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        if self.hwm:
            self.peak = max(self.peak, _rss_kb("VmHWM"))
        self.growth_mb = max(0, self.peak - self.base) / 1024


def run_export(fmt: str) -> tuple[int, float, int, float]:
    """(rows, seconds, bytes, RSS growth MB) of one export through the download's code."""
    with PeakRss() as rss:
        start = time.perf_counter()
        export = exports.prepare(exports.ExportRequest(Filters(), fmt), datetime.now(UTC))
        size = 0
        for chunk in export.chunks():
            size += len(chunk)
        elapsed = time.perf_counter() - start
    db.session.rollback()
    return export.written, elapsed, size, rss.growth_mb


def raw_read(path: str) -> tuple[int, float]:
    """The same join iterated with a plain sqlite3 cursor (the database's own pace)."""
    sql = str(
        records.statement(Filters()).compile(
            dialect=sqlite_dialect.dialect(), compile_kwargs={"literal_binds": True}
        )
    )
    con = sqlite3.connect(path)
    start = time.perf_counter()
    count = 0
    for _row in con.execute(sql):
        count += 1
    elapsed = time.perf_counter() - start
    con.close()
    return count, elapsed


def main() -> None:
    """Build, export CSV and XLSX, compare with the raw read, print the BENCH line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=3000)
    parser.add_argument("--modules", type=int, default=8)
    args = parser.parse_args()
    from flask_migrate import upgrade

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "SECRET_KEY": "bench", "TESTING": True})
        path = os.path.join(tmp, "catalyst.sqlite3")
        with app.app_context():
            upgrade(revision="heads")
            db.engine.dispose()
            t0 = time.perf_counter()
            build(path, args.learners, args.modules)
            print(f"data set: {args.learners} learners x {args.modules} modules "
                  f"built in {time.perf_counter() - t0:.1f} s")  # fmt: skip
            raw_rows, raw_s = raw_read(path)
            rows, csv_s, csv_bytes, csv_mb = run_export("csv")
            _again, raw_s2 = raw_read(path)
            raw_s = min(raw_s, raw_s2)
            x_rows, xlsx_s, xlsx_bytes, xlsx_mb = run_export("xlsx")
            assert rows == raw_rows == x_rows, (rows, raw_rows, x_rows)
            raw_rate, csv_rate, xlsx_rate = rows / raw_s, rows / csv_s, rows / xlsx_s
            print(f"raw sqlite3 read : {raw_rate:12,.0f} rows/s ({raw_s:.2f} s)")
            print(f"csv export       : {csv_rate:12,.0f} rows/s ({csv_s:.2f} s, "
                  f"{csv_bytes / 1e6:.1f} MB, RSS +{csv_mb:.1f} MB)")  # fmt: skip
            print(f"xlsx export      : {xlsx_rate:12,.0f} rows/s ({xlsx_s:.2f} s, "
                  f"{xlsx_bytes / 1e6:.1f} MB, RSS +{xlsx_mb:.1f} MB)")  # fmt: skip
            db.engine.dispose()
    print(
        f"BENCH export csv_rows_per_s={csv_rate:.0f} ratio_csv_vs_raw={csv_rate / raw_rate:.2f} "
        f"rss_growth_mb={max(csv_mb, xlsx_mb):.1f} xlsx_rows_per_s={xlsx_rate:.0f}"
    )


if __name__ == "__main__":
    main()
