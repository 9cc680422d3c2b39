"""The review page shows the learner's text as the sanitised Markdown they were told to write."""

from tests.mentoring.helpers import login, submit_work

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
