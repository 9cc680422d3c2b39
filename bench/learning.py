"""Quiz submission benchmark: N learners each hand in a 10-question quiz, vs a module page view.

Everything runs in-process through Flask's test client (no HTTP server): the app on a temp
instance migrated with upgrade(revision="heads"), a generated module (10 questions of every
type, 3 lessons, an assignment) synced with sync_modules, learners recorded by the LTI launch
service (User, Context, ResourceLink, Membership) and logged in by writing the session
(Acting + Flask-Login's _user_id) with session_transaction().

Per learner: GET the module page (timed: page view), POST "start" (untimed), POST the attempt
form with action=submit and CSRF token (timed: submission, i.e. parse + score + UPDATE + progress
+ score event + COMMIT; the redirect to the review is not followed). Both are timed in the same
loop, learner after learner, so machine noise hits them alike. SQL statements are counted per
request with a before_cursor_execute listener.

    python bench/learning.py                  # quick run (< 40 s)
    python bench/learning.py --learners 1000  # full size

Last line (contract):
BENCH learning submits_per_s=<x> ratio_submit_vs_view=<submit time / page-view time>
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_LEARNERS = 500
DEFAULT_WARMUP = 5
TARGET_RATIO = 3.0
SLUG = "bench-quiz"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
TYPES = ("single", "multiple", "truefalse", "short_text", "ordering", "matching")


# -- the generated module ------------------------------------------------------------------


def _question(i: int) -> dict[str, Any]:
    kind = TYPES[i % len(TYPES)]
    q: dict[str, Any] = {
        "id": f"q{i + 1}",
        "type": kind,
        "kind": "recall" if i == 0 else "scenario",
        "points": 1 + i % 3,
        "prompt": f"Question {i + 1} : quelle est la **bonne** réponse ?",
        "ref": f"lecon-{i % 3 + 1}#section-{i % 2 + 1}",
    }
    if kind in ("single", "multiple"):
        right = {0} if kind == "single" else {0, 2}
        q["choices"] = [
            {
                "id": c,
                "text": f"Choix {c} de la question {i + 1}",
                "correct": n in right,
                "feedback": f"Retour pour le choix {c}.",
                "ref": f"lecon-{n % 3 + 1}#section-1",
            }
            for n, c in enumerate("abcd")
        ]
        del q["ref"]
    elif kind == "truefalse":
        q["answer"] = i % 2 == 0
        q["feedback"] = {"true": "Retour « vrai ».", "false": "Retour « faux »."}
    elif kind == "short_text":
        q["accepted"] = ["territoires", "les territoires"]
        q["feedback"] = {"correct": "Oui.", "incorrect": "La réponse est « territoires »."}
    elif kind == "ordering":
        q["items"] = [{"id": f"i{n}", "text": f"Étape {n}"} for n in range(1, 5)]
        q["feedback"] = {"correct": "Bon ordre.", "incorrect": "Revoyez l'ordre."}
    else:
        q["pairs"] = [
            {"id": f"p{n}", "left": f"Situation {n}", "right": f"Bénéfice {n}"} for n in range(1, 4)
        ]
        q["feedback"] = {"correct": "Bien associé.", "incorrect": "Revoyez les bénéfices."}
    return q


def _yaml(value: Any) -> str:
    import yaml

    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)


def write_module(root: Path, questions: int, slug: str = SLUG, order: int = 1) -> Path:
    """A valid module folder `<order>-<slug>` under root with a quiz of `questions` questions."""
    folder = root / f"{order:02d}-{slug}"
    (folder / "lessons").mkdir(parents=True, exist_ok=True)
    (folder / "module.yaml").write_text(
        _yaml(
            {
                "slug": slug,
                "title": f"Module de mesure ({questions} questions)",
                "summary": "Un module généré pour mesurer le coût d'une remise de quiz.",
                "objectives": ["Être capable de répondre à un quiz.", "Être capable de lire."],
                "duration_minutes": 60,
                "order": order,
                "prerequisites": [],
                "completion": {"lessons": "all", "quiz": "passed", "assignment": "submitted"},
                "weighting": {"quiz": 50, "assignment": 50},
                "key_points": ["Un point.", "Un deuxième point.", "Un troisième point."],
                "resources": [
                    {
                        "title": f"Ressource {n}",
                        "url": "https://www.lerameau.fr/",
                        "publisher": "Le RAMEAU",
                    }
                    for n in range(1, 4)
                ],
            }
        )
    )
    for n in range(1, 4):
        body = "\n\n".join(
            f"## Section {s}\n\n" + "Un paragraphe de la leçon, avec du **gras**. " * 12
            for s in (1, 2)
        )
        (folder / "lessons" / f"{n:02d}-lecon-{n}.md").write_text(
            f'---\nid: lecon-{n}\ntitle: "Leçon {n}"\nduration_minutes: 10\n'
            f'objectives: ["Être capable de lire."]\n---\n{body}\n'
        )
    (folder / "quiz.yaml").write_text(
        _yaml(
            {
                "title": f"Quiz de mesure ({questions} questions)",
                "pass_mark": 60,
                "max_attempts": 3,
                "grading": "highest",
                "estimated_minutes": 10,
                "cooldown_minutes": 0,
                "shuffle_questions": True,
                "shuffle_choices": True,
                "review": {
                    "after_attempt": ["score", "correctness", "feedback"],
                    "after_last": ["score", "correctness", "correct_answers", "feedback"],
                },
                "questions": [_question(i) for i in range(questions)],
            }
        )
    )
    (folder / "assignment.yaml").write_text(
        _yaml(
            {
                "title": "Travail de mesure",
                "prompt": "Décrivez votre territoire.\n",
                "guidance": "Dix lignes suffisent.\n",
                "requires_approval": True,
                "attachment": {"allowed": False},
                "estimated_minutes": 20,
                "approval": {"min_share": 0.5, "no_lowest_level": True},
                "mentor_guide": {
                    "focus": "Lisez d'abord la description.\n",
                    "good_example": {"excerpt": "Un texte clair.\n", "notes": ["Clair."]},
                    "weak_example": {"excerpt": "Un texte confus.\n", "notes": ["Confus."]},
                },
                "rubric": [
                    {
                        "id": "clarte",
                        "title": "Clarté",
                        "description": "Le texte se comprend.",
                        "levels": [
                            {"id": "non", "title": "Non", "points": 0, "descriptor": "Confus."},
                            {"id": "oui", "title": "Oui", "points": 1, "descriptor": "Clair."},
                        ],
                    }
                ],
            }
        )
    )
    return folder


def answer_fields(quiz, rng: random.Random) -> dict[str, Any]:
    """Form fields answering each question, right or wrong at random (about 70 % right)."""
    from catalyst_training.learning.questions import REGISTRY

    fields: dict[str, Any] = {}
    for q in quiz.questions:
        qid, right = q["id"], rng.random() < 0.7
        answer = REGISTRY[q["type"]].correct_answer(q)
        kind = q["type"]
        if kind == "single":
            fields[f"q-{qid}"] = answer if right else q["choices"][-1]["id"]
        elif kind == "multiple":
            fields[f"q-{qid}"] = answer if right else [q["choices"][1]["id"]]
        elif kind == "truefalse":
            fields[f"q-{qid}"] = "true" if answer == right else "false"
        elif kind == "short_text":
            fields[f"q-{qid}"] = "Les territoires" if right else "aucune idée"
        elif kind == "ordering":
            n = len(q["items"])
            for item, pos in answer["positions"].items():
                fields[f"q-{qid}-{item}"] = str(pos if right else n + 1 - pos)
        else:
            ids = list(answer["matches"])
            for k, left in enumerate(ids):
                fields[f"q-{qid}-{left}"] = left if right else ids[(k + 1) % len(ids)]
    return fields


# -- app, learners and SQL counting ----------------------------------------------------------


def build_app(instance: Path, content: Path):
    """The app on a migrated SQLite database in `instance`, the programme in `content` synced."""
    from flask_migrate import upgrade

    from catalyst_training import create_app
    from catalyst_training.content.services import sync_modules
    from catalyst_training.extensions import db

    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "bench",
            "CONTENT_PATH": str(content),
            "LOG_LEVEL": "WARNING",
        }
    )
    logging.disable(logging.INFO)  # migrations' progress lines
    with app.app_context():
        upgrade(revision="heads")
        report = sync_modules(content)
        if report.problems:
            raise RuntimeError(f"generated module is invalid: {report.problems}")
        db.session.commit()
        db.session.remove()
    logging.disable(logging.NOTSET)
    logging.getLogger().setLevel(logging.WARNING)
    return app


def bench_platform():
    """A registered platform for the bench learners (created once)."""
    from catalyst_training.extensions import db
    from catalyst_training.lti.models import Deployment, Platform

    platform = db.session.query(Platform).filter_by(issuer="https://bench.invalid").first()
    if platform is None:
        platform = Platform(name="bench", issuer="https://bench.invalid", client_id="bench")
        platform.deployments.append(Deployment(deployment_id="1"))
        db.session.add(platform)
        db.session.commit()
    return platform


def new_learner(app, number: int, slug: str = SLUG):
    """A learner launched on `slug` (record_launch), and a test client logged in as them."""
    from catalyst_training.auth.services import SESSION_KEY
    from catalyst_training.extensions import db
    from catalyst_training.lti.services import record_launch

    lti = "https://purl.imsglobal.org/spec/lti/claim/"
    with app.app_context():
        platform = bench_platform()
        acting = record_launch(
            platform,
            {
                "sub": f"learner-{number}",
                "name": f"Apprenant·e {number}",
                lti + "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
                lti + "context": {"id": "bench-course", "title": "Bench"},
                lti + "resource_link": {"id": f"bench-link-{slug}"},
                lti + "custom": {"module": slug},
                lti + "launch_presentation": {"locale": "fr"},
            },
            launch_id=f"bench-launch-{number}",
        )
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as sess:
        sess[SESSION_KEY] = asdict(acting)
        sess["_user_id"] = str(acting.user_id)
        sess["_fresh"] = True
        sess["lang"] = "fr"
    return client


class QueryCounter:
    """Counts SQL statements sent on an engine while active."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.engine, self.count, self.active = engine, 0, False
        self.statements: list[str] = []
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany):
        if self.active:
            self.count += 1
            self.statements.append(statement.split("\n", 1)[0][:120])

    @contextmanager
    def counting(self) -> Iterator[QueryCounter]:
        """Reset, count inside the block."""
        self.count, self.statements, self.active = 0, [], True
        try:
            yield self
        finally:
            self.active = False

    def close(self) -> None:
        """Stop listening."""
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._on_execute)


def csrf_token(html: str) -> str:
    """The CSRF token of a page (every page has one, in the language switch)."""
    match = CSRF.search(html)
    if match is None:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def start_attempt(client, slug: str, token: str) -> str:
    """Start an attempt; the attempt page's path."""
    resp = client.post(f"/learn/m/{slug}/quiz/start", data={"csrf_token": token})
    if resp.status_code != 302 or "/learn/attempts/" not in resp.location:
        raise RuntimeError(f"start failed: {resp.status_code} {resp.get_data(as_text=True)[:300]}")
    return resp.location


def submit(client, attempt_path: str, token: str, fields: dict[str, Any]):
    """Hand the attempt in (the redirect to the review is not followed)."""
    resp = client.post(attempt_path, data={"csrf_token": token, "action": "submit", **fields})
    if resp.status_code != 303:
        raise RuntimeError(f"submit failed: {resp.status_code} {resp.get_data(as_text=True)[:300]}")
    return resp


# -- the run -----------------------------------------------------------------------------------


@dataclass
class Results:
    """Timings (seconds) and SQL statement counts per learner."""

    views: list[float] = field(default_factory=list)
    submits: list[float] = field(default_factory=list)
    view_queries: list[int] = field(default_factory=list)
    submit_queries: list[int] = field(default_factory=list)
    passed: int = 0


def run(learners: int, warmup: int, questions: int, seed: int) -> Results:
    """Build everything in a temp dir, then time `learners` learners (after `warmup` untimed)."""
    from catalyst_training.content.loader import find_module
    from catalyst_training.extensions import db
    from catalyst_training.learning.models import QuizAttempt

    rng = random.Random(seed)
    results = Results()
    with tempfile.TemporaryDirectory(prefix="bench-learning-") as tmp:
        content = Path(tmp) / "modules"
        write_module(content, questions)
        app = build_app(Path(tmp) / "instance", content)
        quiz = find_module(content, SLUG).quiz
        with app.app_context():
            counter = QueryCounter(db.engine)
        try:
            for number in range(warmup + learners):
                client = new_learner(app, number)
                fields = answer_fields(quiz, rng)
                with counter.counting():
                    t0 = time.perf_counter()
                    page = client.get(f"/learn/m/{SLUG}/")
                    t1 = time.perf_counter()
                view_queries = counter.count
                if page.status_code != 200:
                    raise RuntimeError(f"module page: {page.status_code}")
                token = csrf_token(page.get_data(as_text=True))
                attempt_path = start_attempt(client, SLUG, token)
                with counter.counting():
                    t2 = time.perf_counter()
                    submit(client, attempt_path, token, fields)
                    t3 = time.perf_counter()
                if number >= warmup:
                    results.views.append(t1 - t0)
                    results.submits.append(t3 - t2)
                    results.view_queries.append(view_queries)
                    results.submit_queries.append(counter.count)
            with app.app_context():
                results.passed = db.session.query(QuizAttempt).filter_by(passed=True).count()
                submitted = db.session.query(QuizAttempt).filter_by(state="submitted").count()
                db.session.remove()
                db.engine.dispose()
            if submitted != warmup + learners:
                raise RuntimeError(f"{submitted} attempts submitted, {warmup + learners} expected")
        finally:
            counter.close()
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures, the contract line last."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--learners",
        type=int,
        default=DEFAULT_LEARNERS,
        help="timed learners (default %(default)s)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=DEFAULT_WARMUP,
        help="untimed learners first (default %(default)s)",
    )
    parser.add_argument("--questions", type=int, default=10, help="questions in the quiz")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random answers")
    args = parser.parse_args(argv)
    if args.learners < 1:
        parser.error("--learners must be at least 1")

    started = time.perf_counter()
    res = run(args.learners, args.warmup, args.questions, args.seed)
    elapsed = time.perf_counter() - started
    view_mean, submit_mean = statistics.fmean(res.views), statistics.fmean(res.submits)
    ratio = submit_mean / view_mean
    submits_per_s = 1 / submit_mean
    ms = 1000
    print(
        f"learners: {args.learners} timed (+{args.warmup} warm-up), {args.questions}-question"
        f" quiz, {res.passed} attempts passed, {elapsed:.1f} s total"
    )
    for label, times, queries in (
        ("module page view", res.views, res.view_queries),
        ("quiz submission ", res.submits, res.submit_queries),
    ):
        print(
            f"{label}: mean {statistics.fmean(times) * ms:.2f} ms,"
            f" median {statistics.median(times) * ms:.2f} ms,"
            f" SQL statements per request {sorted(set(queries))}"
        )
    verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
    print(f"target: submission <= {TARGET_RATIO:g}x a page view: {verdict} ({ratio:.2f}x)")
    print(f"BENCH learning submits_per_s={submits_per_s:.1f} ratio_submit_vs_view={ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
