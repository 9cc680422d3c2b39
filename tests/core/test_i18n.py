"""Catalogues: every user-visible string has an English translation, compiled and current."""

from io import BytesIO, StringIO
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "catalyst_training" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _source_ids() -> set[str]:
    method_map, options_map = parse_mapping_cfg(StringIO((ROOT / "babel.cfg").read_text()))
    ids = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def _catalog(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=lang)


def test_english_catalogue_is_complete_and_not_fuzzy():
    catalog = _catalog("en")
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    missing = sorted(_source_ids() - set(translated))
    assert not missing, f"{len(missing)} strings missing from en/messages.po: {missing[:10]}"
    untranslated = sorted(
        mid for mid, m in translated.items() if not (m.string if isinstance(m.string, str)
                                                     else all(m.string))
    )  # fmt: skip
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    fuzzy = sorted(mid for mid, m in translated.items() if m.fuzzy)
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_compiled_catalogue_matches_the_po_file():
    catalog = _catalog("en")
    mo_path = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
    compiled = read_mo(BytesIO(mo_path.read_bytes()))

    def key(value):
        # read_mo gives plural ids and strings as lists, read_po as tuples.
        return tuple(value) if isinstance(value, list) else value

    expected = {key(m.id): key(m.string) for m in catalog if m.id and not m.fuzzy}
    got = {key(m.id): key(m.string) for m in compiled if m.id}
    assert got == expected, "run: pybabel compile -d catalyst_training/translations"
