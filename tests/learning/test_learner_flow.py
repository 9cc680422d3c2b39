"""A learner launched by the platform reads, fails then passes the quiz, and hands in work."""

import shutil
from urllib.parse import urlsplit

import requests

from catalyst_training.extensions import db
from catalyst_training.learning.models import ModuleProgress, QuizAttempt, ScoreEvent, Submission
from catalyst_training.learning.modules import current_module
from tests.learning.helpers import csrf, right_answers, wrong_answers
from tests.platform import TestPlatform

SLUG = "module-exemple"


def get(session, path, **kw):
    return session.get(session.base + path, timeout=10, **kw)


def post(session, path, data, **kw):
    return session.post(session.base + path, data=data, timeout=10, allow_redirects=False, **kw)


def module_obj():
    module, _version = current_module(SLUG)
    return module


def start_attempt(session):
    quiz_page = get(session, f"/learn/m/{SLUG}/quiz")
    assert quiz_page.status_code == 200
    resp = post(session, f"/learn/m/{SLUG}/quiz/start", {"csrf_token": csrf(quiz_page.text)})
    assert resp.status_code == 302, resp.text
    return urlsplit(resp.headers["Location"]).path


def test_home_redirects_to_the_module_of_the_link(learner):
    page = get(learner, "/learn/")
    assert page.status_code == 200
    assert urlsplit(page.url).path == f"/learn/m/{SLUG}/"
    assert "Module d" in page.text


def test_reading_a_lesson_counts(learner):
    module = module_obj()
    lesson = module.lessons[0]
    page = get(learner, f"/learn/m/{SLUG}/lessons/{lesson.id}")
    assert page.status_code == 200
    assert 'id="une-section"' in page.text
    db.session.expire_all()
    row = db.session.scalars(db.select(ModuleProgress)).one()
    assert row.lessons_viewed == 1 and row.status == "in_progress"
    assert get(learner, f"/learn/m/{SLUG}/lessons/nope").status_code == 404


def test_fail_then_pass_with_review_and_feedback(learner):
    module = module_obj()
    attempt_path = start_attempt(learner)
    page = get(learner, attempt_path)
    token = csrf(page.text)
    resp = post(learner, attempt_path, {"csrf_token": token, "action": "submit",
                                        **wrong_answers(module.quiz)})  # fmt: skip
    assert resp.status_code == 303
    review = get(learner, urlsplit(resp.headers["Location"]).path)
    assert "Seuil de réussite non atteint" in review.text
    assert "Revoir la leçon" in review.text  # feedback links back to the lesson section
    # Second attempt, right answers.
    attempt_path = start_attempt(learner)
    page = get(learner, attempt_path)
    resp = post(learner, attempt_path, {"csrf_token": csrf(page.text), "action": "submit",
                                        **right_answers(module.quiz)})  # fmt: skip
    review = get(learner, urlsplit(resp.headers["Location"]).path)
    assert "Quiz réussi" in review.text
    db.session.expire_all()
    attempts = db.session.scalars(db.select(QuizAttempt).order_by(QuizAttempt.number)).all()
    assert [a.passed for a in attempts] == [False, True]
    row = db.session.scalars(db.select(ModuleProgress)).one()
    assert row.quiz_passed and row.quiz_attempts == 2 and row.best_quiz_percent == 100.0
    assert db.session.scalars(db.select(ScoreEvent)).first() is not None


def test_saved_answers_survive_a_reload_and_double_submit_counts_once(learner):
    module = module_obj()
    attempt_path = start_attempt(learner)
    page = get(learner, attempt_path)
    fields = right_answers(module.quiz)
    resp = post(learner, attempt_path, {"csrf_token": csrf(page.text), "action": "save", **fields})
    assert resp.status_code == 303
    reloaded = get(learner, attempt_path)
    first_q = module.quiz.questions[0]
    assert f'id="q-{first_q["id"]}-' in reloaded.text and "checked" in reloaded.text
    # Starting again resumes the same attempt.
    assert start_attempt(learner) == attempt_path
    data = {"csrf_token": csrf(reloaded.text), "action": "submit", **fields}
    assert post(learner, attempt_path, data).status_code == 303
    assert post(learner, attempt_path, data).status_code == 302  # already submitted: review
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(QuizAttempt.id))) == 1


def test_tampered_answer_is_refused_and_changes_nothing(learner):
    attempt_path = start_attempt(learner)
    page = get(learner, attempt_path)
    module = module_obj()
    single = next(q for q in module.quiz.questions if q["type"] == "single")
    resp = post(learner, attempt_path, {"csrf_token": csrf(page.text), "action": "submit",
                                        f"q-{single['id']}": "not-a-choice"})  # fmt: skip
    assert resp.status_code == 400
    db.session.expire_all()
    assert db.session.scalars(db.select(QuizAttempt)).one().state == "in_progress"


def test_another_learners_attempt_is_not_found(learner, platform):
    attempt_path = start_attempt(learner)
    other = TestPlatform.session()
    platform.launch(other, "learner", user_id="learner-2", custom={"module": SLUG})
    other.base = learner.base
    assert get(other, attempt_path).status_code == 404
    page = get(other, f"/learn/m/{SLUG}/quiz")
    resp = post(other, attempt_path, {"csrf_token": csrf(page.text), "action": "submit"})
    assert resp.status_code == 404


def test_post_without_csrf_is_refused(learner):
    attempt_path = start_attempt(learner)
    assert post(learner, attempt_path, {"action": "submit"}).status_code == 400


def test_assignment_draft_autosave_submit_and_versions(learner):
    page = get(learner, f"/learn/m/{SLUG}/assignment")
    assert page.status_code == 200
    token = csrf(page.text)
    saved = post(learner, f"/learn/m/{SLUG}/assignment/autosave",
                 {"csrf_token": token, "text": "Premier jet"})  # fmt: skip
    assert saved.status_code == 200 and saved.json()["saved"] is True
    reload = get(learner, f"/learn/m/{SLUG}/assignment")
    assert "Premier jet" in reload.text
    # Empty submission is refused, the text typed is kept on the page.
    resp = post(learner, f"/learn/m/{SLUG}/assignment",
                {"csrf_token": token, "text": "  ", "submit": "1"})  # fmt: skip
    assert resp.status_code == 400 and 'role="alert"' in resp.text
    resp = post(
        learner,
        f"/learn/m/{SLUG}/assignment",
        {"csrf_token": token, "text": "Mon territoire :\n\n- un point", "submit": "1"},
        files={"attachment": ("carte.pdf", b"%PDF-1.4 test", "application/pdf")},
    )
    assert resp.status_code == 303, resp.text
    db.session.expire_all()
    sub = db.session.scalars(db.select(Submission)).one()
    assert sub.state == "submitted" and sub.attachment_name == "carte.pdf"
    # The attachment is served to its owner.
    page = get(learner, f"/learn/m/{SLUG}/assignment")
    assert get(learner, f"/learn/submissions/{sub.id}/attachment").content == b"%PDF-1.4 test"
    # Locked once submitted.
    locked = post(learner, f"/learn/m/{SLUG}/assignment/autosave",
                  {"csrf_token": csrf(page.text), "text": "change"})  # fmt: skip
    assert locked.status_code == 409
    row = db.session.scalars(db.select(ModuleProgress)).one()
    assert row.assignment_state == "submitted"


def test_attachment_type_and_size_limits(learner):
    page = get(learner, f"/learn/m/{SLUG}/assignment")
    resp = post(
        learner,
        f"/learn/m/{SLUG}/assignment",
        {"csrf_token": csrf(page.text), "text": "x"},
        files={"attachment": ("virus.exe", b"MZ", "application/octet-stream")},
    )
    assert resp.status_code == 400 and "Type de fichier refusé" in resp.text
    big = b"0" * (1024 * 1024 + 10)
    resp = post(
        learner,
        f"/learn/m/{SLUG}/assignment",
        {"csrf_token": csrf(page.text), "text": "x"},
        files={"attachment": ("gros.pdf", big, "application/pdf")},
    )
    assert resp.status_code == 400 and "trop volumineux" in resp.text


def test_other_learner_cannot_download_attachment(learner, platform):
    page = get(learner, f"/learn/m/{SLUG}/assignment")
    post(
        learner,
        f"/learn/m/{SLUG}/assignment",
        {"csrf_token": csrf(page.text), "text": "x"},
        files={"attachment": ("a.pdf", b"%PDF", "application/pdf")},
    )
    db.session.expire_all()
    sub = db.session.scalars(db.select(Submission)).one()
    other = TestPlatform.session()
    platform.launch(other, "learner", user_id="learner-2")
    other.base = learner.base
    assert get(other, f"/learn/submissions/{sub.id}/attachment").status_code == 404
    # A mentor outside the learner's cohort sees nothing; the coordinator of the course run does.
    mentor = TestPlatform.session()
    platform.launch(mentor, "mentor", user_id="mentor-1")
    mentor.base = learner.base
    assert get(mentor, f"/learn/submissions/{sub.id}/attachment").status_code == 404
    assert get(mentor, f"/mentor/submissions/{sub.id}/attachment").status_code == 403
    coordinator = TestPlatform.session()
    platform.launch(coordinator, "coordinator", user_id="coord-1")
    coordinator.base = learner.base
    assert get(coordinator, f"/learn/submissions/{sub.id}/attachment").content == b"%PDF"
    assert get(coordinator, f"/mentor/submissions/{sub.id}/attachment").content == b"%PDF"


def test_my_progress_page(learner):
    page = get(learner, "/learn/progress")
    assert page.status_code == 200
    assert '<caption id="progress-caption">' in page.text and "Module d" in page.text
    assert "Continuer" in page.text  # the next thing to do: the first lesson


def test_module_images_are_served_from_the_assets_folder(learner):
    module = module_obj()
    page = get(learner, f"/learn/m/{SLUG}/lessons/{module.lessons[0].id}")
    assert f'src="/learn/m/{SLUG}/assets/carte.png"' in page.text
    image = get(learner, f"/learn/m/{SLUG}/assets/carte.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert image.headers["Content-Type"] == "image/png"


# Names after /learn/m/<slug>/assets/: sources, other types, hidden files and ways out.
REFUSED_ASSETS = [
    "../quiz.yaml",  # normalised by the client into /learn/m/<slug>/quiz.yaml: no such page
    "%2e%2e/quiz.yaml",  # reaches the view as ../quiz.yaml
    "%2e%2e%2fassignment.yaml",
    "..%5cquiz.yaml",
    "quiz.yaml",
    "secret.yaml",
    "notes.md",
    "data.json",
    "page.html",
    "sans-extension",
    ".cache.png",
    "lien.png",  # a symlink to ../quiz.yaml
    "absente.png",
]


def test_module_sources_and_other_files_are_never_served(learner, app, tmp_path):
    # A copy of the programme whose assets/ also holds sources and a way out.
    root = tmp_path / "programme"
    shutil.copytree(app.config["CONTENT_PATH"], root)
    assets = root / "01-module-exemple" / "assets"
    for other in ("secret.yaml", "notes.md", "data.json", "page.html", "sans-extension"):
        (assets / other).write_text("correct: true", encoding="utf-8")
    (assets / ".cache.png").write_bytes(b"\x89PNG")
    (assets / "lien.png").symlink_to("../quiz.yaml")
    app.config["CONTENT_PATH"] = str(root)
    assert get(learner, f"/learn/m/{SLUG}/assets/carte.png").status_code == 200
    for name in REFUSED_ASSETS:
        resp = get(learner, f"/learn/m/{SLUG}/assets/{name}")
        assert resp.status_code == 404, name
        assert b"correct" not in resp.content, name


def test_module_assets_need_a_session(live):
    resp = requests.get(f"{live.base_url}/learn/m/{SLUG}/assets/carte.png", timeout=10)
    assert resp.status_code == 401
