"""Browser journey (Chromium, direct pages, launched by the test platform over real HTTP)."""

import secrets
from pathlib import Path

import pytest

from catalyst_training.auth.models import Context
from catalyst_training.extensions import db
from catalyst_training.lti.models import Platform
from catalyst_training.mentoring import territories
from tests.e2e.conftest import CHROMIUM_ARGS, REPO_ROOT, browser, chromium_path  # noqa: F401
from tests.platform.lti import PlatformConf, PlatformOIDCLogin

pytestmark = pytest.mark.browser
SHOTS = REPO_ROOT / "test-output" / "mentoring"
SLUG = "module-exemple"


def launch_url(platform, role, user_id, name):
    """Register a pending launch; return the OIDC initiation URL a browser opens."""
    spec = platform.spec(
        role, user_id=user_id, name=name, custom={"cohort": "lyon", "module": SLUG}
    )
    hint = secrets.token_urlsafe(12)
    platform._pending[hint] = spec
    oidc = PlatformOIDCLogin(None, PlatformConf(platform=platform))
    oidc.set_lti_message_hint(lti_message_hint=hint)
    oidc.set_launch_url(platform.tool_launch_url)
    return oidc.initiate_login(user_id).replace(
        oidc._registration.get_oidc_login_url(), platform.tool_login_url
    )


@pytest.fixture
def cohort(platform):
    plat = db.session.query(Platform).one()
    ctx = Context(platform_id=plat.id, context_id="course-v1:FUN+CAT+2026", title="CAT")
    db.session.add(ctx)
    db.session.flush()
    territory = territories.create_territory("Lyon", "69123", "Auvergne-Rhône-Alpes")
    territories.create_cohort("Cohorte Lyon", "lyon", territory, ctx.id)
    db.session.commit()


def open_as(browser, platform, live, role, user_id, name):  # noqa: F811
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(launch_url(platform, role, user_id, name))
    page.wait_for_url(f"{live.base_url}/**")
    page.wait_for_load_state()
    return page


def submit(page, live, text):
    page.goto(f"{live.base_url}/learn/m/{SLUG}/assignment")
    page.locator("textarea[name=text]").fill(text)
    page.get_by_role("button", name="Remettre mon travail").click()
    page.wait_for_load_state()


def test_mentor_journey(browser, platform, live, cohort):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    learner = open_as(browser, platform, live, "learner", "learner-1", "Alice Martin")
    submit(learner, live, "Mon territoire : une vallée.")
    mentor = open_as(browser, platform, live, "mentor", "mentor-1", "Mentor Un")
    assert "/mentor/" in mentor.url
    heat = mentor.get_by_role("table", name="Progression des apprenants")
    assert "Alice Martin" in heat.inner_text() and "À évaluer" in heat.inner_text()
    mentor.screenshot(path=str(SHOTS / "1-heatmap.png"), full_page=True)
    mentor.get_by_role("link", name="À évaluer").first.click()
    mentor.get_by_role("button", name="Évaluer le suivant").click()
    mentor.get_by_label("Correct").check()
    mentor.get_by_label("Ce qui est à reprendre").fill("Citez les acteurs locaux.")
    mentor.screenshot(path=str(SHOTS / "2-review.png"), full_page=True)
    mentor.get_by_role("button", name="Renvoyer pour révision").click()
    assert "Décision enregistrée" in mentor.content()

    learner.goto(f"{live.base_url}/learn/m/{SLUG}/")
    assert "Citez les acteurs locaux." in learner.content()
    submit(learner, live, "Mon territoire : une vallée, la mairie et l'association X.")

    mentor.goto(f"{live.base_url}/mentor/queue")
    mentor.get_by_role("button", name="Évaluer le suivant").click()
    review_url = mentor.url
    second = open_as(browser, platform, live, "mentor", "mentor-2", "Mentor Deux")
    second.goto(review_url)
    assert "En cours d'évaluation par Mentor Un" in second.locator("#lease-status").inner_text()
    assert second.get_by_role("button", name="Valider le travail").count() == 0
    second.screenshot(path=str(SHOTS / "3-lease-seen-by-second-mentor.png"), full_page=True)

    mentor.get_by_label("Excellent").check()
    mentor.get_by_label("Commentaire pour l'apprenant").fill("Très clair, bravo.")
    mentor.get_by_role("button", name="Valider le travail").click()
    assert "Décision enregistrée" in mentor.content()
    learner.goto(f"{live.base_url}/learn/m/{SLUG}/")
    assert "Très clair, bravo." in learner.content()
    learner.screenshot(path=str(SHOTS / "4-learner-sees-approval.png"), full_page=True)
    Path(SHOTS / "README.txt").write_text("Screenshots of tests/mentoring/test_browser.py\n")
