"""The programme glossary: one page, an anchor per term, linked from lessons (glossary:<id>)."""

from __future__ import annotations

import unicodedata

from flask import render_template

from ...auth.services import require_acting
from ...content.services import glossary as programme_glossary
from .blueprint import ANY_ROLE, bp


def _sort_key(term: str) -> str:
    """Alphabetical order a French reader expects: accents and case ignored."""
    decomposed = unicodedata.normalize("NFKD", term)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@bp.get("/glossary")
def glossary():
    """Every term of the programme glossary, alphabetically, with its see-also links."""
    require_acting(*ANY_ROLE)
    found = programme_glossary()
    terms = sorted(found.terms, key=lambda t: _sort_key(t.term))
    return render_template("learning/glossary.html", terms=terms, glossary=found)
