"""The translation catalogues are complete: no app needed, only the source and the .po files.

* en: every message the source marks for translation (extracted exactly as
  ``pybabel extract -F babel.cfg -k lazy_gettext -k _l -k N_ .`` does) has a non-empty,
  non-fuzzy English msgstr with the same format placeholders. A new Danish string without an
  English translation fails here.
* da: every msgid of Flask-AppBuilder's own (de) catalogue has a Danish msgstr with the same
  placeholders, and the key screen words read as a Danish user expects.

The compiled .mo files are built by scripts/install and are not checked here.
"""

import re
from collections import Counter
from pathlib import Path

import flask_appbuilder
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[1]
TRANSLATIONS = ROOT / "translations"
EXTRA_KEYWORDS = ["lazy_gettext", "_l", "N_"]  # the -k options of pybabel extract
FAB_DE = (
    Path(flask_appbuilder.__file__).parent / "translations" / "de" / "LC_MESSAGES" / "messages.po"
)

# a named conversion: %(year)s, %(count)d, %(share).1f ...
PLACEHOLDER = re.compile(r"%\(\w+\)[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def load_po(path: Path):
    with open(path, "rb") as f:
        return read_po(f)


def format_specs(text: str) -> Counter:
    """The named placeholders of a message, and how many % signs it has in all: Jinja's
    gettext formats every message, so a % the msgid lacks breaks the page."""
    specs = Counter(PLACEHOLDER.findall(text))
    specs["% signs"] = text.count("%")
    return specs


def forms(msgid) -> list[str]:
    """A msgid as its singular and plural forms (one form unless it is a plural message)."""
    return list(msgid) if isinstance(msgid, tuple | list) else [msgid]


def translation_problems(catalog, messages) -> list[str]:
    """Why each of (msgid, context) lacks a usable translation in catalog."""
    problems = []
    for msgid, context in messages:
        message = catalog.get(msgid, context)
        strings = message.string if message else None
        strings = list(strings) if isinstance(strings, tuple | list) else [strings]
        label = repr(forms(msgid)[0]) + (f" (context {context!r})" if context else "")
        if message is None:
            problems.append(f"missing: {label}")
        elif not all(strings):
            problems.append(f"empty msgstr: {label}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {label}")
        elif any(
            format_specs(string) != format_specs(forms(msgid)[min(i, 1)])
            for i, string in enumerate(strings)
        ):
            problems.append(f"placeholders differ: {label} -> {strings!r}")
    return problems


@pytest.fixture(scope="module")
def source_messages() -> set:
    """(msgid, context) of every translatable string, as pybabel extract finds them."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, "babel.cfg")
    keywords = {**DEFAULT_KEYWORDS, **parse_keywords(EXTRA_KEYWORDS)}
    messages = set()
    for _filename, _lineno, msgid, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        messages.add((tuple(msgid) if isinstance(msgid, tuple | list) else msgid, context))
    return messages


@pytest.fixture(scope="module")
def en():
    return load_po(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po")


@pytest.fixture(scope="module")
def da():
    return load_po(TRANSLATIONS / "da" / "LC_MESSAGES" / "messages.po")


def test_catalogues_declare_their_language(en, da):
    assert (str(en.locale), str(da.locale)) == ("en", "da")


def test_the_source_has_translatable_strings(source_messages):
    # guards the extraction itself: a wrong root or babel.cfg would find nothing to check
    assert len(source_messages) > 100
    assert ("Dokumentationspakke", None) in source_messages


def test_every_user_facing_string_has_an_english_translation(source_messages, en):
    problems = translation_problems(en, sorted(source_messages, key=repr))
    assert not problems, (
        f"{len(problems)} Danish string(s) lack a usable English translation; run "
        "pybabel extract and pybabel update, then translate "
        "translations/en/LC_MESSAGES/messages.po:\n" + "\n".join(problems)
    )


def test_english_catalogue_has_no_fuzzy_or_obsolete_entries(en):
    fuzzy = [m.id for m in en if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    assert not en.obsolete, f"obsolete entries: {list(en.obsolete)}"


def test_every_flask_appbuilder_string_has_a_danish_translation(da):
    fab = [(m.id, m.context) for m in load_po(FAB_DE) if m.id]
    assert len(fab) > 100
    problems = translation_problems(da, fab)
    assert not problems, (
        f"{len(problems)} Flask-AppBuilder string(s) lack a usable Danish translation in "
        "translations/da/LC_MESSAGES/messages.po:\n" + "\n".join(problems)
    )


@pytest.mark.parametrize(
    ("msgid", "danish"), [("Search", "Søg"), ("Logout", "Log ud"), ("Record Count", None)]
)
def test_key_screen_words_are_danish(da, msgid, danish):
    message = da.get(msgid)
    assert message is not None and message.string and not message.fuzzy, msgid
    if danish is not None:
        assert message.string == danish
