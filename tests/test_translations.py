"""Every string the source marks for translation has a Chinese translation, and the compiled
catalogue the app loads is the one the .po file describes (docs/i18n.md says how to update)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "pm_app" / "translations" / "zh" / "LC_MESSAGES"
# The same keywords as the `pybabel extract` command in docs/i18n.md.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


@pytest.fixture(scope="module")
def catalog():
    with open(CATALOG / "messages.po", "rb") as po:
        return read_po(po, locale="zh")


def source_msgids() -> dict[str, str]:
    """msgid → where it was found, extracted with babel's API and the repository's babel.cfg."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, "babel.cfg")
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def test_the_extraction_sees_the_files_that_must_be_translated():
    places = {where.split(":")[0] for where in source_msgids().values()}
    for path in (
        "pm_app/errors.py",
        "pm_app/auth/forms.py",
        "pm_app/auth/views.py",
        "templates/auth/login.html",
        "templates/errors/error.html",
        "templates/base.html",
    ):
        assert path in places, f"no strings extracted from {path}: check babel.cfg"


def test_every_msgid_in_the_source_has_a_chinese_translation(catalog):
    missing = []
    for msgid, where in sorted(source_msgids().items()):
        message = catalog.get(msgid)
        strings = (
            message.string
            if message is not None and isinstance(message.string, tuple)
            else (message.string if message is not None else "",)
        )
        if message is None or message.fuzzy or not all(strings):
            missing.append(f"{where}: {msgid!r}")
    assert not missing, "untranslated (see docs/i18n.md):\n" + "\n".join(missing)


def test_translations_keep_the_placeholders_of_their_msgid(catalog):
    problems = [f"{message.id!r}: {errors}" for message, errors in catalog.check()]
    assert not problems, "\n".join(problems)


def test_the_compiled_catalogue_is_up_to_date_with_the_po_file(catalog):
    """Compared message by message, not byte by byte: Babel's releases lay out the same catalogue
    differently (2.19 wrote other bytes for a .mo whose every message was the .po's)."""
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    with open(CATALOG / "messages.mo", "rb") as mo:
        assert _messages(read_mo(mo)) == _messages(read_mo(compiled)), (
            "messages.mo is stale: run `pybabel compile -d pm_app/translations` (docs/i18n.md)"
        )


def _messages(catalog) -> dict:
    """msgid (or its plural forms) → translation(s), the header's fields under the empty id."""

    def key(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    found = {key(m.id): key(m.string) for m in catalog if m.id}
    found[""] = dict(catalog.mime_headers)
    return found
