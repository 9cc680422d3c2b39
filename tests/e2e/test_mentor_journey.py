"""Mentor journey in Chromium, inside a cross-origin iframe of a course page, as a MOOC shows it.

The course page is served by the test platform on 127.0.0.1; the tool is framed on localhost
(another site), so its cookies are third-party and partitioned, exactly as inside Open edX.
"""

import secrets
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from catalyst_training.auth.models import Context
from catalyst_training.extensions import db
from catalyst_training.lti.models import Platform
from catalyst_training.mentoring import territories
from tests.e2e.conftest import REPO_ROOT
from tests.e2e.test_accessibility import axe_violations
from tests.platform import TestPlatform
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
def framed(app, live, cli):
    """A platform that frames the tool on localhost (cross-site from its own 127.0.0.1 page)."""
    # Secure; SameSite=None; Partitioned cookies over http://localhost, as in the demo.
    app.config["LOOPBACK_SECURE_COOKIES"] = True
    tool = live.base_url.replace("127.0.0.1", "localhost")
    with TestPlatform(tool) as plat:
        result = cli("platform", "add", *plat.register_cli_args())
        assert result.exit_code == 0, result.output
        plat.tool = tool
        yield plat


@pytest.fixture
def cohort(framed):
    plat = db.session.query(Platform).filter_by(issuer=framed.issuer).one()
    ctx = Context(platform_id=plat.id, context_id="course-v1:FUN+CAT+2026", title="CAT")
    db.session.add(ctx)
    db.session.flush()
    territory = territories.create_territory("Lyon", "69123", "Auvergne-Rhône-Alpes")
    territories.create_cohort("Cohorte Lyon", "lyon", territory, ctx.id)
    db.session.commit()


def open_as(browser, platform, role, user_id, name):
    """A course page on the platform's origin framing the tool; returns (page, tool frame)."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 1200})
    context.set_default_timeout(10_000)
    page = context.new_page()
    src = launch_url(platform, role, user_id, name)
    page.goto(f"{platform.base_url}/course?{urlencode({'src': src})}")
    frame = page.frame(name="tool")
    assert frame is not None
    frame.wait_for_url(f"{platform.tool}/**")
    frame.wait_for_load_state()
    return page, frame


def open_direct(browser, platform, live, role, user_id, name):
    """The tool's landing page opened directly (top level), after a real launch."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(launch_url(platform, role, user_id, name))
    page.wait_for_url(f"{live.base_url}/**")
    page.wait_for_load_state()
    return page


def submit(frame, tool, text):
    frame.goto(f"{tool}/learn/m/{SLUG}/assignment")
    frame.locator("textarea[name=text]").fill(text)
    frame.get_by_role("button", name="Remettre mon travail").click()
    frame.wait_for_load_state()


def test_mentor_journey(browser, framed, cohort):
    SHOTS.mkdir(parents=True, exist_ok=True)
    tool = framed.tool
    learner_page, learner = open_as(browser, framed, "learner", "learner-1", "Alice Martin")
    submit(learner, tool, "Mon territoire : une vallée.")
    mentor_page, mentor = open_as(browser, framed, "mentor", "mentor-1", "Mentor Un")
    assert "/mentor/" in mentor.url
    # The tool's session cookie is a partitioned third-party cookie of the course page's site.
    cookies = mentor_page.context.cookies(tool)
    assert any(c["name"] == "catalyst_session" and c.get("partitionKey") for c in cookies)
    heat = mentor.get_by_role("table", name="Progression des apprenants")
    assert "Alice Martin" in heat.inner_text() and "À évaluer" in heat.inner_text()
    mentor_page.screenshot(path=str(SHOTS / "1-heatmap.png"), full_page=True)
    mentor.get_by_role("link", name="À évaluer").first.click()
    mentor.get_by_role("button", name="Évaluer le suivant").click()
    mentor.locator("details.guide > summary").click()  # the guide panel open, for axe too
    assert axe_violations(mentor) == []
    mentor.get_by_label("Correct").check()
    mentor.get_by_label("Ce qui est à reprendre").fill("Citez les acteurs locaux.")
    mentor_page.screenshot(path=str(SHOTS / "2-review.png"), full_page=True)
    # "Correct" earns approval under the sample's rule: the mentor decides otherwise.
    expect(mentor.get_by_label("Valider", exact=True)).to_be_checked()
    mentor.get_by_label("Renvoyer pour révision").check()
    expect(mentor.locator("#decision-differs")).to_contain_text("diffère de la suggestion")
    mentor.get_by_role("button", name="Enregistrer la décision").click()
    expect(mentor.get_by_text("Décision enregistrée")).to_be_visible()

    learner.goto(f"{tool}/learn/m/{SLUG}/")
    expect(learner.get_by_text("Citez les acteurs locaux.")).to_be_visible()
    submit(learner, tool, "Mon territoire : une vallée, la mairie et l'association X.")

    mentor.goto(f"{tool}/mentor/queue")
    mentor.get_by_role("button", name="Évaluer le suivant").click()
    mentor.wait_for_url(f"{tool}/mentor/submissions/**")
    review_url = mentor.url
    second_page, second = open_as(browser, framed, "mentor", "mentor-2", "Mentor Deux")
    second.goto(review_url)
    assert "En cours d'évaluation par Mentor Un" in second.locator("#lease-status").inner_text()
    assert second.get_by_role("button", name="Enregistrer la décision").count() == 0
    second_page.screenshot(path=str(SHOTS / "3-lease-seen-by-second-mentor.png"), full_page=True)

    mentor.get_by_label("Excellent").check()
    expect(mentor.locator("#decision-suggestion")).to_contain_text("Suggestion : valider")
    expect(mentor.get_by_label("Valider", exact=True)).to_be_checked()
    mentor.get_by_label("Commentaire pour l'apprenant").fill("Très clair, bravo.")
    mentor.get_by_role("button", name="Enregistrer la décision").click()
    expect(mentor.get_by_text("Décision enregistrée")).to_be_visible()
    learner.goto(f"{tool}/learn/m/{SLUG}/")
    expect(learner.get_by_text("Très clair, bravo.")).to_be_visible()
    learner_page.screenshot(path=str(SHOTS / "4-learner-sees-approval.png"), full_page=True)
    Path(SHOTS / "README.txt").write_text("Screenshots of tests/mentoring/test_browser.py\n")
