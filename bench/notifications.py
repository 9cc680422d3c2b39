"""Notification benchmark: mentors' digests built at send time and handed to a local SMTP server.

A local SMTP server (aiosmtpd, in a child process so it does not share our interpreter) accepts
and counts every message. The tool (create_app on a migrated SQLite instance) holds N mentors,
each following a cohort of learners, and E "work handed in" events waiting for each mentor; at
the digest hour the worker's mail queue (`worker.run(once=True)`, as `catalyst-training worker
--once`) schedules one digest per mentor, claims them by batches, attaches the events, builds
text + HTML in the mentor's language and sends them. Baseline in the same run: a raw loop that
builds the same number of messages of the same shape (headers, text + HTML of E lines) with
`email` and sends them with `smtplib` on one connection.

    python bench/notifications.py                              # quick run (< 40 s)
    python bench/notifications.py --mentors 5000 --events 20   # full size

Last line (contract):
BENCH notifications per_s=<x> ratio_vs_raw=<ours / raw loop> queries_per_digest=<n>
"""

from __future__ import annotations

import argparse
import logging
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import event, insert  # noqa: E402

from catalyst_training import create_app  # noqa: E402
from catalyst_training.extensions import db  # noqa: E402

# Monday 2 March 2026, 18:30 in Paris: the daily digests are due.
EVENING = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)
SERVER = """
import asyncio, signal, socket, sys
from aiosmtpd.controller import Controller

class Count:
    n = 0
    async def handle_DATA(self, server, session, envelope):
        Count.n += 1
        return "250 OK"

sock = socket.socket(); sock.bind(("127.0.0.1", 0)); port = sock.getsockname()[1]; sock.close()
c = Controller(Count(), hostname="127.0.0.1", port=port)
c.start()
print(port, flush=True)
sys.stdin.readline()  # the bench closes stdin (or writes a line) to stop
c.stop()
print(Count.n, flush=True)
"""


class SmtpProcess:
    """aiosmtpd in a child process; `stop()` returns how many messages it accepted."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        self.port = int(self.proc.stdout.readline())

    def stop(self) -> int:
        """Stop the server; messages accepted."""
        out, _err = self.proc.communicate("stop\n", timeout=30)
        return int(out.strip().splitlines()[-1])


def setup(tmp: Path, port: int, mentors: int, events: int):
    """A migrated tool: one platform and course run, N mentors with a cohort, E events each."""
    from flask_migrate import upgrade

    from catalyst_training.auth.models import Context, User
    from catalyst_training.core.clock import ManualClock, install
    from catalyst_training.lti.models import Platform
    from catalyst_training.mentoring.models import Cohort, CohortMember, Territory, cohort_mentors
    from catalyst_training.notifications.models import NotificationEvent

    app = create_app({"INSTANCE_PATH": str(tmp), "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING",
                      "SMTP_URL": f"smtp://127.0.0.1:{port}", "MAIL_FROM": "bench@catalyst.test",
                      "BASE_URL": "https://tool.example", "NOTIFY_BATCH": 100,
                      "NOTIFY_SCAN_SECONDS": 10**9, "WORKER_UPKEEP_SECONDS": 0})  # fmt: skip
    ctx = app.app_context()
    ctx.push()
    upgrade(revision="heads")
    clock = install(app, ManualClock(EVENING))
    platform = Platform(name="bench", issuer="https://bench", client_id="c1")
    db.session.add(platform)
    db.session.flush()
    run = Context(platform_id=platform.id, context_id="course-1", title="Session 1")
    territory = Territory(name="Lyon", code="69123", kind="commune")
    db.session.add_all([run, territory])
    db.session.flush()
    pool = mentors * events  # one cohort per learner in a course run: each event its learner
    now = EVENING
    users = [{"platform_id": platform.id, "sub": f"m{i}", "name": f"Mentor {i}",
              "email": f"mentor{i}@example.org", "locale": "fr-FR" if i % 4 else "en",
              "created_at": now, "updated_at": now} for i in range(mentors)]  # fmt: skip
    users += [{"platform_id": platform.id, "sub": f"l{j}", "name": f"Apprenant·e {j}",
               "created_at": now, "updated_at": now} for j in range(pool)]  # fmt: skip
    db.session.execute(insert(User), users)
    ids = dict(db.session.execute(db.select(User.sub, User.id)).all())
    cohorts = [{"name": f"Cohorte {i}", "slug": f"c{i}", "territory_id": territory.id,
                "context_id": run.id, "created_at": now, "updated_at": now}
               for i in range(mentors)]  # fmt: skip
    db.session.execute(insert(Cohort), cohorts)
    cohort_ids = list(db.session.scalars(db.select(Cohort.id).order_by(Cohort.id)))
    db.session.execute(insert(cohort_mentors), [{"cohort_id": c, "user_id": ids[f"m{i}"]}
                                                for i, c in enumerate(cohort_ids)])  # fmt: skip
    members, rows = [], []
    for i, cohort_id in enumerate(cohort_ids):
        for j in range(events):
            learner = ids[f"l{(i * events + j) % pool}"]
            members.append({"cohort_id": cohort_id, "user_id": learner, "context_id": run.id,
                            "source": "bench", "placed_at": now})  # fmt: skip
            rows.append({"recipient_id": ids[f"m{i}"], "audience": "mentor",
                         "kind": "submitted", "platform_id": platform.id, "context_id": run.id,
                         "learner_id": learner, "module_slug": "module-exemple",
                         "created_at": now - timedelta(minutes=j)})  # fmt: skip
    db.session.execute(insert(CohortMember), members)
    db.session.execute(insert(NotificationEvent), rows)
    db.session.commit()
    return app, ctx, clock


def raw_loop(port: int, count: int, events: int) -> float:
    """Seconds to build and send `count` messages of the same shape on one connection.

    The same headers as ours (Reply-To, Date, Message-ID, Auto-Submitted, List-Unsubscribe and
    its Post, Content-Language) and a text + HTML body of E lines of the same length, built by
    f-strings: no database, no templates, no translation, no signed links.
    """
    lines = [f"- Apprenant·e {j}, «\u00a0Module d'exemple\u00a0» (02/03/2026 18:{j:02d})"
             for j in range(events)]  # fmt: skip
    footer = (
        "Les liens mènent à l'outil de formation (https://tool.example). S'ils ne "
        "l'ouvrent pas directement, ouvrez l'activité depuis votre cours sur la plateforme."
    )
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i in range(count):
            unsubscribe = f"https://tool.example/notifications/unsubscribe/{i}.mentor.{i:027d}"
            text = (
                f"Bonjour Mentor {i},\n\nNouveaux travaux remis dans vos cohortes :\n"
                + "\n".join(lines)
                + f"\n\n--\n{footer}\n{unsubscribe}\n"
            )
            html = ("<!doctype html><html lang=fr><body><h1>Récapitulatif</h1><ul>"
                    + "".join(f"<li>{line[2:]}</li>" for line in lines)
                    + f"</ul><p>{footer}</p><a href=\"{unsubscribe}\">Désinscription</a>"
                    "</body></html>")  # fmt: skip
            msg = EmailMessage()
            msg["From"], msg["To"] = "bench@catalyst.test", f"mentor{i}@example.org"
            msg["Reply-To"] = "equipe@catalyst.test"
            msg["Subject"] = f"Catalyseurs territoriaux\u00a0: {events} nouveauté(s)"
            msg["Date"] = "Mon, 02 Mar 2026 17:30:00 +0000"
            msg["Message-ID"] = f"<raw.{i}.{i:016x}@catalyst.test>"
            msg["Auto-Submitted"] = "auto-generated"
            msg["List-Unsubscribe"] = f"<{unsubscribe}>"
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
            msg.set_content(text)
            msg.add_alternative(html, subtype="html")
            msg["Content-Language"] = "fr"
            smtp.send_message(msg)
    return time.perf_counter() - start


def ours(clock) -> tuple[float, int, dict]:
    """Seconds for the worker to send every digest; SQL statements run; outcome counts."""
    from catalyst_training.delivery import worker

    statements = [0]

    def count(*_args) -> None:
        statements[0] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    start = time.perf_counter()
    totals = worker.run(threading.Event(), once=True, clock=clock)
    elapsed = time.perf_counter() - start
    event.remove(db.engine, "before_cursor_execute", count)
    return elapsed, statements[0], dict(totals)


def main() -> None:
    """Run both, print the figures and the BENCH line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentors", type=int, default=600, help="mentors (one digest each)")
    parser.add_argument("--events", type=int, default=20, help="events per mentor's digest")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    server = SmtpProcess()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-notify-") as tmp:
            t0 = time.perf_counter()
            _app, ctx, clock = setup(Path(tmp), server.port, args.mentors, args.events)
            print(f"setup: {args.mentors} mentors x {args.events} events "
                  f"in {time.perf_counter() - t0:.1f} s")  # fmt: skip
            raw = raw_loop(server.port, args.mentors, args.events)
            elapsed, statements, totals = ours(clock)
            raw_after = raw_loop(server.port, args.mentors, args.events)
            ctx.pop()
    finally:
        received = server.stop()
    delivered = totals.get("mail_delivered", 0)
    raw_best = min(raw, raw_after)
    per_s = delivered / elapsed if elapsed else 0.0
    raw_per_s = args.mentors / raw_best
    print(f"raw loop: {raw_per_s:.0f} messages/s (best of {raw:.2f} s and {raw_after:.2f} s)")
    print(f"ours: {delivered} digests in {elapsed:.2f} s = {per_s:.0f}/s; outcomes {totals}")
    print(f"server accepted {received} messages (expected {delivered + 2 * args.mentors})")
    print(f"SQL statements: {statements} ({statements / max(delivered, 1):.2f} per digest)")
    print(f"BENCH notifications per_s={per_s:.1f} ratio_vs_raw={per_s / raw_per_s:.2f} "
          f"queries_per_digest={statements / max(delivered, 1):.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
