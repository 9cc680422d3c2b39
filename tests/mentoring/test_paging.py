"""The heatmap and the grading queue come in pages: counts, links that keep the filters, no 500."""

import importlib.util
import re
from pathlib import Path

import pytest

from catalyst_training.core.models import utcnow
from catalyst_training.extensions import db
from catalyst_training.mentoring import queue
from catalyst_training.mentoring.access import Viewer
from catalyst_training.mentoring.paging import Page, page_number

BENCH = Path(__file__).resolve().parents[2] / "bench" / "mentoring.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_mentoring", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def seven(app, programme):
    """A mentor and a cohort of 7 learners (Apprenant 00000..00006), 3 per page."""
    app.config["MENTOR_PAGE_SIZE"] = 3
    bench = _bench()
    mentor_id = bench.populate(7, seed=3)
    db.session.remove()
    client = app.test_client()
    bench.login(client, mentor_id)
    return client, mentor_id


def _learners(html: str) -> list[str]:
    return re.findall(r"Apprenant (\d{5})</a>", html)


def _nav(html: str) -> str:
    found = re.search(r'<nav class="pager" aria-label="([^"]+)">(.*?)</nav>', html, re.S)
    assert found, "no pagination nav"
    return found.group(0)


def test_page_two_shows_the_next_learners_and_the_count(seven):
    client, _mentor = seven
    first = client.get("/mentor/").get_data(as_text=True)
    second = client.get("/mentor/?page=2").get_data(as_text=True)
    assert _learners(first) == ["00000", "00001", "00002"]
    assert _learners(second) == ["00003", "00004", "00005"]
    assert "Apprenants 1 à 3 sur 7." in first and "Apprenants 4 à 6 sur 7." in second
    nav = _nav(second)
    assert 'aria-label="Pages de la liste des apprenants"' in nav
    assert re.search(r'href="/mentor/\?page=2" aria-current="page"', nav)
    assert 'href="/mentor/?page=1" rel="prev"' in nav and 'href="/mentor/?page=3" rel="next"' in nav
    assert nav.count("aria-current") == 1


def test_links_keep_the_filters_and_the_sort(seven):
    client, _mentor = seven
    html = client.get("/mentor/?sort=progress&module=module-exemple&page=1").get_data(True)
    links = re.findall(r'href="([^"]*page=\d+[^"]*)"', _nav(html))
    assert links and all("sort=progress" in u and "module=module-exemple" in u for u in links)
    assert len(_learners(html)) == 3
    stalled = client.get("/mentor/?stalled=1&status=in_progress").get_data(as_text=True)
    if "pager" in stalled:
        assert all("stalled=1" in u and "status=in_progress" in u
                   for u in re.findall(r'href="([^"]*page=\d+[^"]*)"', _nav(stalled)))  # fmt: skip


def test_a_page_beyond_the_last_shows_the_last(seven):
    client, _mentor = seven
    html = client.get("/mentor/?page=99").get_data(as_text=True)
    assert _learners(html) == ["00006"] and "Apprenants 7 à 7 sur 7." in html


@pytest.mark.parametrize(
    "query",
    [
        "page=abc", "page=-3", "page=0", "page=1e9", "page=%D9%A3", "page=99999999999999999999",
        "page=", "sort=bogus", "sort=", "status=bogus", "cohort=abc", "cohort=-1",
        "cohort=99999999999999999999", "module=%3Cscript%3E", "stalled=yes", "page=2&page=3",
    ],
)  # fmt: skip
def test_malformed_values_never_fail(seven, query):
    client, _mentor = seven
    assert client.get(f"/mentor/?{query}").status_code == 200
    assert client.get(f"/mentor/queue?{query}").status_code == 200


def test_page_number_parsing():
    assert [page_number(v) for v in (None, "", "2", " 3 ", "-1", "0", "x", "٣", "10" * 9)] == [
        1, 1, 2, 3, 1, 1, 1, 1, 1_000_000,
    ]  # fmt: skip
    page = Page(4, 10, 95)
    assert (page.pages, page.first, page.last, page.offset) == (10, 31, 40, 30)
    assert Page(1, 10, 0).pages == 1 and Page(1, 10, 0).first == 0
    assert Page(12, 10, 95).clamped().number == 10
    assert Page(6, 10, 200).numbers() == [1, None, 4, 5, 6, 7, 8, None, 20]


def test_the_queue_comes_in_pages_oldest_first(app, programme):
    app.config["MENTOR_PAGE_SIZE"] = 2
    bench = _bench()
    mentor_id = bench.populate(40, seed=11)
    viewer = Viewer(mentor_id, "mentor")
    every = queue.queue(viewer, queue.QueueFilters(), utcnow())
    assert len(every) > 4
    items, page = queue.queue_page(viewer, queue.QueueFilters(), utcnow(), Page(2, 2, 0))
    assert [i.submission_id for i in items] == [i.submission_id for i in every[2:4]]
    assert page.total == len(every)
    late, last = queue.queue_page(viewer, queue.QueueFilters(), utcnow(), Page(999, 2, 0))
    assert last.number == last.pages and late and late[-1].submission_id == every[-1].submission_id
    db.session.remove()
    client = app.test_client()
    bench.login(client, mentor_id)
    html = client.get("/mentor/queue?page=2&module=territoire").get_data(as_text=True)
    assert "(0)" in html  # an unknown module: nothing, and no pager
    html = client.get("/mentor/queue?page=2").get_data(as_text=True)
    assert f"({len(every)})" in html and f"Travaux 3 à 4 sur {len(every)}." in html
    nav = _nav(html)
    assert 'aria-label="Pages de la file d\'évaluation"' in nav
    assert 'href="/mentor/queue?page=2" aria-current="page"' in nav
    html = client.get("/mentor/queue?state=submitted&page=1").get_data(as_text=True)
    assert 'href="/mentor/queue?page=2&amp;state=submitted"' in _nav(html)
