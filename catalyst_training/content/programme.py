"""Programme-wide files of modules/: the glossary and the alliance-maturity self-assessment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .schema import validate
from .source import ContentError, Document, Problem, read_yaml

GLOSSARY_FILE = "glossary.yaml"
SELF_ASSESSMENT_FILE = "self_assessment.yaml"


@dataclass(frozen=True)
class Term:
    """A term of the programme glossary; see_also lists other term ids."""

    id: str
    term: str
    definition: str
    see_also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Glossary:
    """The programme glossary, terms in file order."""

    terms: tuple[Term, ...] = ()

    def get(self, term_id: str) -> Term | None:
        """The term with this id, or None."""
        return next((t for t in self.terms if t.id == term_id), None)

    @property
    def ids(self) -> frozenset[str]:
        """Every term id."""
        return frozenset(t.id for t in self.terms)


@dataclass(frozen=True)
class MaturityLevel:
    """One of the four levels of a self-assessment dimension."""

    value: int
    label: str
    descriptor: str


@dataclass(frozen=True)
class Dimension:
    """A dimension of the alliance-maturity self-assessment."""

    id: str
    title: str
    question: str
    levels: tuple[MaturityLevel, ...]


@dataclass(frozen=True)
class SelfAssessment:
    """The self-assessment taken at the start (module 01) and the end (module 07)."""

    title: str
    intro: str
    dimensions: tuple[Dimension, ...]


def _read(root: Path, name: str, kind: str) -> tuple[Document | None, list[Problem]]:
    """The document and its problems; (None, []) when the file does not exist."""
    path = Path(root) / name
    if not path.is_file():
        return None, []
    try:
        doc = read_yaml(path, name)
    except ContentError as exc:
        return None, list(exc.problems)
    problems = [Problem(name, line, f'duplicate key "{key}"') for key, line in doc.duplicates]
    return doc, problems + validate(doc, kind, name)


def _duplicate_ids(
    doc: Document, file: str, items: list[dict], key: str, what: str
) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for i, item in enumerate(items):
        if item["id"] in seen:
            message = f'duplicate {what} id "{item["id"]}"'
            problems.append(Problem(file, doc.line((key, i, "id")), message))
        seen.add(item["id"])
    return problems


def check_glossary(root: Path) -> tuple[Glossary, list[Problem]]:
    """The glossary of a programme root and its problems (unique ids, see_also resolve)."""
    doc, problems = _read(root, GLOSSARY_FILE, "glossary")
    if doc is None or problems:
        return Glossary(), problems
    terms = doc.data["terms"]
    problems += _duplicate_ids(doc, GLOSSARY_FILE, terms, "terms", "term")
    ids = {t["id"] for t in terms}
    for i, t in enumerate(terms):
        for j, other in enumerate(t.get("see_also") or ()):
            if other not in ids or other == t["id"]:
                why = "itself" if other == t["id"] else "no such term"
                message = f'term "{t["id"]}": see_also "{other}": {why}'
                problems.append(
                    Problem(GLOSSARY_FILE, doc.line(("terms", i, "see_also", j)), message)
                )
    glossary = Glossary(
        tuple(
            Term(t["id"], t["term"], t["definition"], tuple(t.get("see_also") or ())) for t in terms
        )
    )
    return glossary, problems


def check_self_assessment(root: Path) -> tuple[SelfAssessment | None, list[Problem]]:
    """The self-assessment of a programme root and its problems (levels valued 1 to 4)."""
    doc, problems = _read(root, SELF_ASSESSMENT_FILE, "self_assessment")
    if doc is None or problems:
        return None, problems
    dims = doc.data["dimensions"]
    problems += _duplicate_ids(doc, SELF_ASSESSMENT_FILE, dims, "dimensions", "dimension")
    for i, dim in enumerate(dims):
        values = [lv["value"] for lv in dim["levels"]]
        if values != [1, 2, 3, 4]:
            message = (
                f'dimension "{dim["id"]}": levels must be valued 1, 2, 3, 4 in order (got {values})'
            )
            problems.append(
                Problem(SELF_ASSESSMENT_FILE, doc.line(("dimensions", i, "levels")), message)
            )
    assessment = SelfAssessment(
        title=doc.data["title"],
        intro=doc.data["intro"],
        dimensions=tuple(
            Dimension(
                d["id"],
                d["title"],
                d["question"],
                tuple(
                    MaturityLevel(lv["value"], lv["label"], lv["descriptor"]) for lv in d["levels"]
                ),
            )
            for d in dims
        ),
    )
    return assessment, problems


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


_cache: dict[tuple[str, str], tuple[tuple[int, int] | None, object]] = {}


def _cached(root: Path, name: str, read):
    path = Path(root) / name
    key, stamp = (str(path.resolve()), name), _stamp(path)
    hit = _cache.get(key)
    if hit is None or hit[0] != stamp:
        hit = _cache[key] = (stamp, read(root)[0])
    return hit[1]


def load_glossary(root: str | Path) -> Glossary:
    """The glossary of a programme root (empty when absent or invalid), cached per mtime."""
    return _cached(Path(root), GLOSSARY_FILE, check_glossary)


def load_self_assessment(root: str | Path) -> SelfAssessment | None:
    """The self-assessment of a programme root (None when absent or invalid), cached per mtime."""
    return _cached(Path(root), SELF_ASSESSMENT_FILE, check_self_assessment)
