"""What mentors and coordinators read: Markdown as written, titles and names rather than ids."""

from markupsafe import escape

from tests.mentoring.helpers import login, submit_work

TITLE = str(escape("Module d'exemple"))  # as the page writes it

TEXT = (
    "Notre territoire réunit trois communes.\n\n"
    "Partenaires pressentis :\n\n"
    "- la mairie\n"
    "- une association d'insertion\n\n"
    "<script>alert('x')</script> [piège](javascript:alert(1))"
)


def test_review_page_renders_paragraphs_and_lists_safely(world, client):
    sub = submit_work(world.learner_a.id, text=TEXT)
    login(client, world.mentor_a, "mentor", world.context.id)
    page = client.get(f"/mentor/submissions/{sub.id}").get_data(as_text=True)
    assert "<p>Notre territoire réunit trois communes.</p>" in page
    assert "<li>la mairie</li>" in page and "<li>une association d'insertion</li>" in page
    assert "<script>alert" not in page and 'href="javascript:' not in page


def test_queue_and_learner_file_show_module_titles_not_slugs(world, client):
    submit_work(world.learner_a.id)
    login(client, world.mentor_a, "mentor", world.context.id)
    queue = client.get("/mentor/queue").get_data(as_text=True)
    assert f"<td>{TITLE}</td>" in queue and "<td>module-exemple</td>" not in queue
    file = client.get(f"/mentor/learners/{world.learner_a.id}").get_data(as_text=True)
    assert f"<h3>{TITLE} —" in file


def test_audit_log_names_people_and_targets(world, client):
    from catalyst_training.core.models import utcnow
    from catalyst_training.extensions import db
    from catalyst_training.mentoring import placement

    placement.move_learner(
        world.coordinator.id, world.learner_a.id, world.cohort_b, "déménagement", utcnow()
    )
    db.session.commit()
    login(client, world.coordinator, "coordinator", world.context.id)
    page = client.get("/mentor/cohorts").get_data(as_text=True)
    log = page.split("déménagement")[0].rsplit("<tr>", 1)[1]
    assert "Coord" in log and "Learner A" in log
    assert f"user:{world.learner_a.id}" not in log and f"<td>{world.coordinator.id}</td>" not in log


def test_a_member_known_only_from_the_roster_can_be_made_mentor(world, client):
    from catalyst_training.auth.models import Membership, User
    from catalyst_training.extensions import db
    from tests.mentoring.helpers import csrf_token

    synced = User(platform_id=world.platform.id, sub="nrps-only", name="Mentor du roster")
    db.session.add(synced)
    db.session.flush()
    db.session.add(Membership(user_id=synced.id, context_id=world.context.id, role="mentor"))
    db.session.commit()
    login(client, world.coordinator, "coordinator", world.context.id)
    form = {"action": "mentor", "user": synced.id, "cohort": world.cohort_a.id}
    resp = client.post("/mentor/cohorts", data={**form, "csrf_token": csrf_token(client)})
    assert resp.status_code == 303
    db.session.expire_all()
    assert synced in world.cohort_a.mentors


def test_the_learner_sees_the_rubric_levels_and_points_of_the_decision(world, client):
    from catalyst_training.core.models import utcnow
    from catalyst_training.extensions import db
    from catalyst_training.learning.modules import current_module
    from catalyst_training.mentoring import leases, review

    sub = submit_work(world.learner_a.id)
    assert leases.claim(sub.id, world.mentor_a.id, utcnow())
    module, _version = current_module("module-exemple")
    draft = review.Draft(levels={"clarte": "correct"}, comment="Clair, mais trop court.")
    review.decide(sub, module, world.mentor_a.id, "approve", draft, utcnow())
    db.session.commit()
    login(client, world.learner_a, "learner", world.context.id)
    page = client.get("/learn/m/module-exemple/").get_data(as_text=True)
    assert "Clair, mais trop court." in page
    assert "Clarté — Correct — 1" in page and "Total\u00a0: 1" in page


def test_a_mentor_without_cohort_is_told_why_and_what_to_ask(world, client):
    from catalyst_training.auth.models import Membership, User
    from catalyst_training.extensions import db

    newcomer = User(platform_id=world.platform.id, sub="m-new", name="Nouveau mentor")
    db.session.add(newcomer)
    db.session.flush()
    db.session.add(Membership(user_id=newcomer.id, context_id=world.context.id, role="mentor"))
    db.session.commit()
    login(client, newcomer, "mentor", world.context.id)
    page = client.get("/mentor/").get_data(as_text=True)
    assert "Vous ne suivez encore aucune cohorte" in page and "coordination" in page


def test_a_comment_only_reaches_the_learner_before_the_decision(world, client):
    from catalyst_training.core.models import utcnow
    from catalyst_training.extensions import db
    from catalyst_training.learning.modules import current_module
    from catalyst_training.mentoring import leases, review

    sub = submit_work(world.learner_a.id)
    assert leases.claim(sub.id, world.mentor_a.id, utcnow())
    module, _version = current_module("module-exemple")
    draft = review.Draft(levels={}, comment="Pensez aux associations sportives.")
    review.decide(sub, module, world.mentor_a.id, "comment", draft, utcnow())
    db.session.commit()
    login(client, world.learner_a, "learner", world.context.id)
    page = client.get("/learn/m/module-exemple/").get_data(as_text=True)
    assert "Pensez aux associations sportives." in page
    assert "attend encore la décision de votre mentor" in page  # marked as a comment
