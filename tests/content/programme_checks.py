"""Checks over the real programme's text: French typography and runs copied from the seed."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import yaml

from catalyst_training.content.source import parse_yaml, read_lesson

NBSP = "\u00a0\u202f"
# Values that are identifiers or addresses, never prose.
CODE_KEYS = frozenset({
    "id", "ref", "url", "slug", "see_also", "type", "kind", "prerequisites", "grading",
    "completion", "weighting", "review", "types", "self_assessment", "passback", "accepted",
})  # fmt: skip
UNITS = (
    r"%|‰|h|min|minutes?|heures?|jours?|semaines?|mois|ans|années?|km²?|m²|kg|€|k€|M€|Md€|"
    r"euros?|millions?|milliards?"
)
RULES = (
    ("ordinary space or none before ; : ! ? »", re.compile(rf"(?<![{NBSP}!?])[;:!?»]")),
    ("ordinary space or none after «", re.compile(rf"«(?![{NBSP}])")),
    ("thousands without a non-breaking space", re.compile(r"\b\d{1,3}(?: \d{3})+\b|\b\d{5,}\b")),
    (
        "ordinary space or none between a number and its unit",
        re.compile(rf"\b\d+(?:,\d+)?(?: ?)(?:{UNITS})(?![\w])"),
    ),
)
_CODE = re.compile(r"`[^`]*`")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_IMAGE = re.compile(r"!\[")
_HEADING_ANCHOR = re.compile(r"\{#[^}]*\}")


def _prose(text: str) -> str:
    """A line without what typography does not apply to (code, link targets, URLs)."""
    for pattern in (_CODE, _LINK_TARGET, _URL, _HEADING_ANCHOR):
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return _IMAGE.sub(" [", text)


def typography(text: str) -> Iterator[tuple[int, str, str]]:
    """(0-based line, rule, excerpt) for each typographic fault; the fault is shown in [ ],
    an ordinary space as ␣ and a missing one as ∅."""
    for n, line in enumerate(text.splitlines()):
        prose = _prose(line)
        for rule, pattern in RULES:
            for match in pattern.finditer(prose):
                start, end = match.start(), match.end()
                if rule.startswith("ordinary space or none before"):
                    start = max(0, start - 1)
                elif rule.startswith("ordinary space or none after"):
                    end = min(len(line), end + 1)
                fault = line[start:end].replace(" ", "␣")
                if rule.endswith("before ; : ! ? »") and line[start] not in " \u00a0\u202f":
                    fault = fault[0] + "∅" + fault[1:]
                if rule.endswith("after «") and (end == match.end() or line[end - 1] != " "):
                    fault = fault[:1] + "∅" + fault[1:]
                before = line[max(0, start - 25) : start]
                after = line[end : end + 25]
                yield n, rule, f"…{before}[{fault}]{after}…"


def _yaml_strings(node: yaml.Node, skip: bool = False) -> Iterator[yaml.ScalarNode]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _yaml_strings(value, skip or key.value in CODE_KEYS)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _yaml_strings(item, skip)
    elif isinstance(node, yaml.ScalarNode) and not skip and node.tag.endswith(":str"):
        yield node


def yaml_faults(text: str, offset: int = 0) -> Iterator[tuple[int, str, str]]:
    """(1-based line, rule, excerpt) of the typographic faults of a YAML text's string values."""
    root = yaml.compose(text)
    if root is None:
        return
    for node in _yaml_strings(root):
        first = node.start_mark.line + (1 if node.style in ("|", ">") else 0)
        for n, rule, excerpt in typography(node.value):
            # Folded and quoted scalars do not keep their line breaks: the start line is given.
            line = first + (n if node.style == "|" else 0)
            yield line + 1 + offset, rule, excerpt


def file_faults(path: Path) -> Iterator[tuple[int, str, str]]:
    """Typographic faults of a programme file (YAML values, lesson front matter and body)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".yaml":
        yield from yaml_faults(text)
        return
    body, offset = text, 0
    if text.startswith("---"):
        source = read_lesson(path, path.name)
        yield from yaml_faults(text.split("---", 2)[1].lstrip("\n"), 1)
        body, offset = source.body, source.body_offset
    fence = False
    for n, line in enumerate(body.splitlines()):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
            continue
        if not fence and not line.lstrip().startswith("<!--"):
            for _n, rule, excerpt in typography(line):
                yield offset + n + 1, rule, excerpt


_APOSTROPHES = str.maketrans({"’": " ", "'": " ", "‘": " ", "`": " "})
_WORDS = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """Words of a text, normalised: NFKC, casefolded, apostrophes split, no punctuation."""
    return _WORDS.findall(unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold())


def shared_runs(text: str, seed: set[tuple[str, ...]], size: int) -> Iterator[tuple[int, str]]:
    """(1-based line, words) of each maximal run of `size`+ words also found in the seed."""
    tokens: list[tuple[str, int]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        tokens.extend((w, n) for w in words(line))
    i = 0
    while i + size <= len(tokens):
        if tuple(w for w, _ in tokens[i : i + size]) in seed:
            end = i + size
            while (
                end < len(tokens) and tuple(w for w, _ in tokens[end - size + 1 : end + 1]) in seed
            ):
                end += 1
            yield tokens[i][1], " ".join(w for w, _ in tokens[i:end])
            i = end
        else:
            i += 1


def ngrams(text: str, size: int) -> set[tuple[str, ...]]:
    """Every run of `size` consecutive normalised words of a text."""
    seq = words(text)
    return {tuple(seq[i : i + size]) for i in range(len(seq) - size + 1)}


def parse_lines(text: str) -> dict:
    """YAML data of a text (for tests that need the values, not the lines)."""
    return parse_yaml(text, "").data
