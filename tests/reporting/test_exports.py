"""Completion-record files (CSV, XLSX, ODS, JSON Lines) checked against the database."""

from __future__ import annotations

import csv
import io
import json

import pytest

from catalyst_training.core.models import utcnow
from catalyst_training.reporting import exports
from catalyst_training.reporting.filters import Filters
from catalyst_training.reporting.schema import COLUMNS
from tests.mentoring.helpers import SLUG
from tests.reporting.helpers import INJECTED


def run(fmt: str, filters: Filters | None = None, **options) -> bytes:
    request = exports.ExportRequest(filters or Filters(), fmt, **options)
    return b"".join(exports.prepare(request, utcnow()).chunks())


def read_csv(data: bytes, sep: str = ";") -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=sep))


def test_csv_matches_database(world):
    rows = read_csv(run("csv"))
    by_sub = {r["learner_sub"]: r for r in rows}
    assert set(by_sub) == {"l-a", "l-b"}
    a = by_sub["l-a"]
    assert list(a) == list(COLUMNS)
    assert a["platform"] == "P" and a["context"] == "course-1"
    assert a["territory_code"] == "69123" and a["cohort"] == "Cohorte Lyon"
    assert a["mentors"] == "m-a"  # no personal data: platform ids
    assert a["module_slug"] == SLUG and a["status"] == "completed"
    assert a["best_quiz_percent"] == "87,5" and a["quiz_attempts"] == "2"
    assert a["lessons_viewed"] == "2" and a["lessons_total"] == "2"
    assert a["decided_by"] == "m-a" and a["decided_at"].endswith("Z")
    assert a["completed_at"] and a["score_delivered_at"]
    assert a["learner_name"] == "" and a["learner_email"] == ""
    assert by_sub["l-b"]["status"] == "in_progress" and by_sub["l-b"]["decided_at"] == ""


def test_personal_data_only_on_request_and_neutralised(world):
    rows = {r["learner_sub"]: r for r in read_csv(run("csv", personal=True, separator=","), ",")}
    assert rows["l-a"]["learner_email"] == "alice@example.org"
    assert rows["l-a"]["learner_name"] == "Learner A"
    assert rows["l-a"]["mentors"] == "Mentor A" and rows["l-a"]["decided_by"] == "Mentor A"
    assert rows["l-b"]["learner_name"] == "'" + INJECTED
    assert rows["l-a"]["best_quiz_percent"] == "87.5"


def test_filters_restrict_rows(world):
    only_b = read_csv(run("csv", Filters(cohort_id=world.cohort_b.id)))
    assert [r["learner_sub"] for r in only_b] == ["l-b"]
    corse = read_csv(run("csv", Filters(region="Corse")))
    assert [r["learner_sub"] for r in corse] == ["l-b"]
    none = read_csv(run("csv", Filters(scope=())))
    assert none == []


def test_xlsx_opens_with_openpyxl(world):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(run("xlsx", personal=True)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == list(COLUMNS)
    data = {r[2]: dict(zip(COLUMNS, r, strict=False)) for r in rows[1:]}
    assert data["l-a"]["best_quiz_percent"] == 87.5
    assert data["l-a"]["completed_at"].year >= 2025  # a real date cell
    assert data["l-b"]["learner_name"] == "'" + INJECTED


def test_ods_opens_with_odfpy(world):
    pytest.importorskip("odf")
    from odf.opendocument import load
    from odf.table import TableCell, TableRow
    from odf.text import P

    doc = load(io.BytesIO(run("ods", personal=True)))
    rows = []
    for row in doc.spreadsheet.getElementsByType(TableRow):
        cells = row.getElementsByType(TableCell)
        rows.append(["".join(str(p) for p in c.getElementsByType(P)) for c in cells])
    assert rows[0] == list(COLUMNS)
    data = {r[2]: dict(zip(COLUMNS, r, strict=False)) for r in rows[1:]}
    assert data["l-a"]["status"] == "completed" and data["l-a"]["best_quiz_percent"] == "87.5"
    assert data["l-b"]["learner_name"] == "'" + INJECTED


def test_json_lines_and_summary(world):
    lines = [json.loads(x) for x in run("json").decode().splitlines()]
    assert {x["learner_sub"] for x in lines} == {"l-a", "l-b"}
    summary = read_csv(run("csv", summary=True))
    a = next(r for r in summary if r["learner_sub"] == "l-a")
    assert a["modules_completed"] == "1" and a[f"{SLUG}:status"] == "completed"
    assert a[f"{SLUG}:best_quiz_percent"] == "87,5"


def test_cli_writes_same_file_and_audits(world, cli, tmp_path):
    from catalyst_training.mentoring.audit import entries

    out = tmp_path / "c.xlsx"
    result = cli("export", "completions", "--format", "csv", "--territory", "2a", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert [r["learner_sub"] for r in read_csv(out.read_bytes())] == ["l-b"]
    logged = [e for e in entries(None) if e.action == "export.completions"]
    assert logged and logged[0].details["rows"] == 1 and logged[0].details["via"] == "cli"
    bad = cli("export", "completions", "--cohort", "nope", "-o", str(out))
    assert bad.exit_code != 0


def test_a_module_not_started_counts_its_lessons(world):
    from catalyst_training.auth.models import Membership, User
    from catalyst_training.extensions import db

    newcomer = User(platform_id=world.platform.id, sub="l-new", name="Nouvelle")
    db.session.add(newcomer)
    db.session.flush()
    db.session.add(Membership(user_id=newcomer.id, context_id=world.context.id, role="learner"))
    db.session.commit()
    row = next(r for r in read_csv(run("csv")) if r["learner_sub"] == "l-new")
    assert row["status"] == "not_started"
    assert (row["lessons_viewed"], row["lessons_total"]) == ("0", "1")  # the module has 1 lesson
