"""The heatmap's filters, aggregates and sorts in SQL agree with the old Python semantics."""

import itertools
import shutil
from datetime import timedelta

import pytest
from sqlalchemy import literal_column, select

from catalyst_training.auth.models import User
from catalyst_training.content.services import sync_modules
from catalyst_training.core.models import utcnow
from catalyst_training.extensions import db
from catalyst_training.learning.models import ModuleProgress
from catalyst_training.mentoring import dashboard, heatmap_sql
from catalyst_training.mentoring.access import Viewer
from catalyst_training.mentoring.models import CohortMember
from catalyst_training.mentoring.paging import Page
from tests.conftest import SAMPLE_CONTENT
from tests.mentoring.heatmap_reference import reference

BIS = "module-bis"
STALLED_DAYS = 14

# name fields, then per module (slug -> status, assignment state, days since activity, score)
LEARNERS = [
    (("Zoé Fin", None, None, None), {"module-exemple": ("completed", "approved", 1, 90.0),
                                    BIS: ("completed", "approved", 2, 80.0)}),
    (("alice attente", None, None, None), {"module-exemple": ("in_progress", "submitted", 3,
                                                              None)}),
    (("Bob Reprise", None, None, None), {"module-exemple": ("in_progress", "returned", 20, None)}),
    (("Émile Rien", None, None, None), {}),
    (("élodie Lente", None, None, None), {"module-exemple": ("completed", None, 30, 70.0),
                                         BIS: ("in_progress", None, 29, None)}),
    (("Chloé Validée", None, None, None), {"module-exemple": ("completed", "returned", 15, 60.0),
                                          BIS: ("not_started", None, None, None)}),
    (("Retraité", None, None, None), {"module-retire": ("completed", None, 0, 99.0)}),
    ((None, "Anne", "Durand", None), {BIS: ("in_progress", "submitted", 0, None)}),
    ((None, None, "Seulnom", None), {BIS: ("in_progress", None, 40, None)}),
    ((None, None, None, "zed@example.org"), {"module-exemple": ("in_progress", None, 5, None)}),
    ((None, "", "", ""), {}),
    (("", "Bob", None, None), {"module-exemple": ("completed", None, 3, 75.0)}),
    (("BOB", None, None, None), {"module-exemple": ("completed", None, 3, 75.0)}),
]  # fmt: skip


@pytest.fixture
def two_modules(app, tmp_path):
    """The sample module and a copy under another slug: a programme of two modules."""
    root = tmp_path / "modules"
    shutil.copytree(SAMPLE_CONTENT / "01-module-exemple", root / "01-module-exemple")
    shutil.copytree(SAMPLE_CONTENT / "01-module-exemple", root / "02-module-bis")
    yaml = root / "02-module-bis" / "module.yaml"
    text = yaml.read_text().replace("slug: module-exemple", f"slug: {BIS}")
    yaml.write_text(text.replace("order: 1", "order: 2"))
    report = sync_modules(root)
    assert not report.problems, report.problems
    db.session.commit()


@pytest.fixture
def learners(world, two_modules):
    """LEARNERS in cohort A (mentor A), plus learner B in cohort B (not mentor A's)."""
    now = utcnow()
    ids = []
    for n, ((name, given, family, email), cells) in enumerate(LEARNERS):
        person = User(platform_id=world.platform.id, sub=f"sub-{n:02d}-long", name=name,
                      given_name=given, family_name=family, email=email)  # fmt: skip
        db.session.add(person)
        db.session.flush()
        db.session.add(CohortMember(cohort_id=world.cohort_a.id, user_id=person.id,
                                    context_id=world.context.id, source="import"))  # fmt: skip
        for slug, (status, state, days, score) in cells.items():
            db.session.add(
                ModuleProgress(
                    user_id=person.id,
                    module_slug=slug,
                    status=status,
                    assignment_state=state,
                    score=score,
                    last_activity_at=None if days is None else now - timedelta(days=days),
                )
            )
        ids.append(person.id)
    db.session.commit()
    return ids


def _all_pages(viewer, filters, size=4):
    now = utcnow()
    rows, number = [], 1
    while True:
        _prog, _shown, found, page = dashboard.heatmap(
            viewer, filters, now, STALLED_DAYS, Page(number, size, 0)
        )
        rows += found
        if number >= page.pages:
            return rows, page.total
        number += 1


def _compare(app, viewer, filters):
    with app.test_request_context():
        rows, total = _all_pages(viewer, filters)
        expected = reference(viewer, filters, utcnow(), STALLED_DAYS)
    got = [
        (r.user_id, r.name, r.cohort, [(c.status, c.score) for c in r.cells], r.completed,
         r.last_activity, r.stalled)
        for r in rows
    ]  # fmt: skip
    want = [
        (r["user_id"], r["name"], r["cohort"], r["cells"], r["completed"], r["last"],
         r["stalled"])
        for r in expected
    ]  # fmt: skip
    assert got == want, filters
    assert total == len(want), filters


@pytest.mark.parametrize(("status", "module"), list(
    itertools.product((None, *dashboard.STATUSES), (None, "module-exemple", BIS, "inconnu"))
))  # fmt: skip
def test_every_filter_and_sort_matches_the_python_semantics(world, learners, app, status, module):
    viewer = Viewer(world.mentor_a.id, "mentor", world.context.id)
    for stalled, sort in itertools.product((False, True), dashboard.SORTS):
        filters = dashboard.Filters(module=module, status=status, stalled=stalled, sort=sort)
        _compare(app, viewer, filters)


def test_a_coordinator_sees_both_cohorts_in_every_sort(world, learners, app):
    viewer = Viewer(world.coordinator.id, "coordinator", world.context.id)
    for sort in dashboard.SORTS:
        _compare(app, viewer, dashboard.Filters(sort=sort))
        _compare(app, viewer, dashboard.Filters(sort=sort, cohort_id=world.cohort_b.id))


def test_the_fixture_covers_every_state(world, learners, app):
    viewer = Viewer(world.mentor_a.id, "mentor", world.context.id)
    with app.test_request_context():
        rows = reference(viewer, dashboard.Filters(), utcnow(), STALLED_DAYS)
    seen = {status for r in rows for status, _score in r["cells"]}
    assert seen == set(dashboard.STATUSES)
    assert {r["stalled"] for r in rows} == {True, False}
    assert len({r["completed"] for r in rows}) == 3


def test_a_cohort_filter_outside_my_cohorts_shows_nobody(world, learners, app):
    viewer = Viewer(world.mentor_a.id, "mentor", world.context.id)
    with app.test_request_context():
        mine, total = _all_pages(viewer, dashboard.Filters(cohort_id=world.cohort_a.id))
        other, none = _all_pages(viewer, dashboard.Filters(cohort_id=world.cohort_b.id))
    assert total == len(mine) == len(LEARNERS) + 1  # and learner A, placed in cohort A
    assert not other and none == 0


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_sql_display_name_is_user_display_name(world, learners, app, locale):
    with app.test_request_context(headers={"Accept-Language": locale}):
        found = dict(db.session.execute(select(User.id, heatmap_sql.display_name())).all())
        expected = {u.id: u.display_name for u in db.session.scalars(select(User))}
    assert found == expected
    assert "Participant sub-10-l" in found.values()  # no name, no email: the pseudonym


def test_the_sort_key_folds_case_as_python_does(app):
    words = ["Émile", "élodie", "Zoé", "zoe", "ÉLODIE", "Ünal", "ulysse", "Œdipe", "BOB", "bob"]
    with app.test_request_context():
        keys = [
            db.session.scalar(select(heatmap_sql.sort_lower(literal_column(f"'{w}'"))))
            for w in words
        ]
    assert keys == [w.lower() for w in words]
