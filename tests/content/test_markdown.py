"""Markdown rendering: sanitised HTML, our anchor rule, internal links through a resolver."""

from __future__ import annotations

import pytest

from catalyst_training.content.markdown import headings, parse, render_markdown, sanitise, slugify


@pytest.mark.parametrize(
    ("title", "anchor"),
    [
        ("Qu’est-ce qu’un territoire ?", "qu-est-ce-qu-un-territoire"),
        ("Check-list\u00a0: reconnaître une alliance", "check-list-reconnaitre-une-alliance"),
        ("  Été 2024 — ÉCHELLES & œuvres!  ", "ete-2024-echelles-uvres"),
        ("ﬁnancement ½", "financement-1-2"),
        ("???", ""),
    ],
)
def test_anchor_rule(title, anchor):
    assert slugify(title) == anchor


def test_headings_of_h2_and_h3_only():
    text = "# Titre\n\n## Qu’est-ce qu’un territoire ?\n\n### Les `acteurs` publics\n\n#### Non\n"
    found = headings(parse(text))
    assert [(h.level, h.text, h.anchor) for h in found] == [
        (2, "Qu’est-ce qu’un territoire ?", "qu-est-ce-qu-un-territoire"),
        (3, "Les acteurs publics", "les-acteurs-publics"),
    ]
    html = render_markdown(text)
    assert '<h2 id="qu-est-ce-qu-un-territoire">' in html
    assert '<h3 id="les-acteurs-publics">' in html
    assert "<h1>Titre</h1>" in html and "<h4>Non</h4>" in html


def test_script_and_event_handlers_are_stripped():
    html = render_markdown(
        'Texte <script>alert("x")</script> fin.\n\n'
        '<img src="https://a.org/i.png" onerror="x()">\n\n'
        '<p onclick="steal()" style="color:red">para</p>\n'
    )
    assert "<script" not in html and "alert" not in html
    assert "onerror" not in html and "onclick" not in html and "style" not in html
    assert '<img src="https://a.org/i.png">' in html
    assert "para" in html


def test_javascript_and_http_links_do_not_survive():
    html = render_markdown(
        "[a](javascript:alert(1)) [b](http://example.org/) [c](https://example.org/x?a=1&b=2) "
        '<a href="javascript:alert(2)">d</a> <a href="data:text/html,x">e</a>'
    )
    assert "javascript:" not in html.replace("[a](javascript:alert(1))", "")
    assert 'href="javascript' not in html and "data:" not in html
    assert "<a>b</a>" in html
    assert '<a href="https://example.org/x?a=1&amp;b=2" rel="noopener noreferrer">c</a>' in html


def test_images_only_https_or_module_assets():
    html = render_markdown(
        "![a](http://x.org/a.png) ![b](https://x.org/b.png) ![c](assets/c.png) ![d](../d.png) "
        '![e](/etc/e.png) <img src="assets/raw.png"> ![f](img/f.png) ![g](assets/quiz.yaml) '
        "![h](assets/../quiz.png) ![i](assets/fiche.pdf)"
    )
    assert "http://x.org" not in html and "../d.png" not in html and "/etc/e.png" not in html
    assert '<img src="https://x.org/b.png" alt="b">' in html
    assert '<img src="assets/c.png" alt="c">' in html
    assert "assets/raw.png" not in html  # raw HTML cannot bypass the asset rule
    # Outside assets/, a source type, a way out, or a document shown as an image: alt text only.
    for src in ("img/f.png", "quiz.yaml", "quiz.png", "fiche.pdf"):
        assert src not in html
    assert " f g h i</p>" in html


def test_links_to_module_documents_only_under_assets():
    text = "[a](assets/fiche.pdf) [b](assets/quiz.yaml) [c](quiz.yaml) [d](assets/../quiz.yaml)"
    html = render_markdown(text, link_resolver=lambda kind, target, anchor: f"/{kind}/{target}")
    assert '<a href="/asset/assets/fiche.pdf">a</a>' in html
    assert "<a>b</a> <a>c</a> <a>d</a>" in html


def test_internal_links_go_through_the_resolver():
    text = "[l](lesson:intro#debut) [m](module:autre) [a](#ici) ![i](assets/p.png)"
    assert render_markdown(text) == (
        '<p><a href="#debut">l</a> <a href="?module=autre">m</a> <a href="#ici">a</a> '
        '<img src="assets/p.png" alt="i"></p>\n'
    )
    calls = []

    def resolver(kind, target, anchor):
        calls.append((kind, target, anchor))
        return f"/learn/{kind}/{target}" + (f"#{anchor}" if anchor else "")

    html = render_markdown(text, link_resolver=resolver)
    assert calls == [("lesson", "intro", "debut"), ("module", "autre", None),
                     ("asset", "assets/p.png", None)]  # fmt: skip
    assert '<a href="/learn/lesson/intro#debut">l</a>' in html
    assert '<a href="/learn/module/autre">m</a>' in html
    assert 'rel="' not in html  # only external links get rel


def test_tasklists_tables_strikethrough_and_markup():
    html = render_markdown("- [ ] à faire\n- [x] fait\n\n| a | b |\n|--:|---|\n| 1 | ~~2~~ |\n")
    assert 'type="checkbox"' in html and 'checked="checked"' in html
    # Each checkbox is named by its item's text (a labelled form field, RGAA 11.1).
    assert '<label><input class="task-list-item-checkbox" disabled="disabled" type="checkbox">' \
        " à faire</label>" in html  # fmt: skip
    assert '<th style="text-align:right">a</th>' in html and "<s>2</s>" in html
    assert hasattr(html, "__html__")


def test_sanitise_alone():
    dirty = (
        '<a href="https://x.org" target="_blank" onclick="x">x</a><iframe src="https://x"></iframe>'
    )
    assert sanitise(dirty) == '<a href="https://x.org">x</a>'
