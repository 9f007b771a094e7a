"""The English switch: every screen the url map opens shows its chrome in English once a user
chooses English (the questionnaire's own texts stay Danish), and the Danish screens show none of
Flask-AppBuilder's English words.

The pages are read from the application itself (its URL map, as tests/views/test_every_door.py
does), so a new screen is covered without editing this file. The Danish words looked for are the
catalogues' own: every Danish msgid the English catalogue translates into something else, and
every Danish translation the Danish catalogue gives Flask-AppBuilder's English strings.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from sqlalchemy import select

from app.models import AppUser, Estate, Municipality, Organisation, Package, Region
from tests.conftest import login
from tests.views.test_every_door import _fetch, _split_ids, enumerate_doors

ROOT = Path(__file__).parents[2]
TRANSLATIONS = ROOT / "translations"
QUESTIONNAIRES = ROOT / "app" / "questionnaires"


def _catalogue(language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f)


def _single(text):
    return text[0] if isinstance(text, tuple | list) else text


def danish_ui_strings() -> set[str]:
    """Danish UI strings that read differently in English: the English catalogue's Danish
    msgids translated into other words, and the Danish catalogue's translations of
    Flask-AppBuilder's English strings."""
    strings = set()
    for message in _catalogue("en"):
        msgid, msgstr = _single(message.id), _single(message.string)
        if msgid and msgstr and msgstr != msgid:
            strings.add(msgid)
    for message in _catalogue("da"):
        msgid, msgstr = _single(message.id), _single(message.string)
        if msgid and msgstr and msgstr != msgid:
            strings.add(msgstr)
    return {_text_part(s) for s in strings} - {""}


def english_fab_strings() -> set[str]:
    """Flask-AppBuilder's English strings the Danish catalogue translates differently."""
    return {
        _text_part(_single(m.id))
        for m in _catalogue("da")
        if m.id and _single(m.string) and _single(m.string) != _single(m.id)
    } - {""}


def _text_part(message: str) -> str:
    """The longest literal run of a message (placeholders cut out), whitespace normalised."""
    parts = re.split(r"%\(\w+\)\w|%\w|\{\w*\}", message)
    longest = max((p.strip() for p in parts), key=len, default="")
    return " ".join(longest.split())


def _questionnaire_texts() -> set[str]:
    texts = set()

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            texts.add(" ".join(node.split()))

    for path in QUESTIONNAIRES.glob("*.yaml"):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    # the questionnaire's default column headers and comment label are its texts too
    from app.questionnaires import DEFAULT_COLUMN_LABELS, DEFAULT_COMMENT_LABEL

    texts.update(DEFAULT_COLUMN_LABELS.values())
    texts.add(DEFAULT_COMMENT_LABEL)
    return {t for t in texts if len(t) > 1}


class _VisibleText(HTMLParser):
    """The text nodes a reader sees (scripts, styles and hidden templates left out)."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        attributes = dict(attrs)
        for name in ("placeholder", "title", "aria-label"):
            if attributes.get(name):
                self.nodes.append(attributes[name])
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.nodes.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.nodes.append(data)


def visible_nodes(page: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(page)
    return [" ".join(n.split()) for n in parser.nodes if n.strip()]


# the fund's own name: a proper name, written in Danish in any language (its address, the
# footer, LBF's header)
PROPER_NAMES = {"Landsbyggefonden"}


def data_texts(db) -> list[str]:
    """Names that are data, not UI: organisations, estates, municipalities, regions, users,
    and the permission names FAB's role form lists (identifiers of views and menu entries)."""
    from flask_appbuilder.security.sqla.models import ViewMenu

    names = set(PROPER_NAMES)
    names.update(db.session.scalars(select(ViewMenu.name)))
    names.update(db.session.scalars(select(Organisation.name)))
    names.update(db.session.scalars(select(Estate.name)))
    names.update(db.session.scalars(select(Estate.address)))
    names.update(db.session.scalars(select(Municipality.name)))
    names.update(db.session.scalars(select(Region.name)))
    for user in db.session.scalars(select(AppUser)):
        names.update({user.first_name, user.last_name, f"{user.first_name} {user.last_name}"})
    return sorted((n for n in names if n), key=len, reverse=True)


def _word(text: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(text) + r"(?!\w)")


def found_strings(nodes, strings, excluded) -> set[str]:
    """Which of `strings` occur as whole words in the nodes, once the excluded texts (data
    and the questionnaire) are cut out of them."""
    names = excluded["names"]
    cut = re.compile("|".join(_word(n).pattern for n in names)) if names else None
    cleaned = []
    for node in nodes:
        if node in excluded["exact"]:
            continue
        cleaned.append(cut.sub(" ", node) if cut else node)
    visible = "\n".join(cleaned)
    return {s for s in strings if s in visible and _word(s).search(visible)}


def html_pages(app, db, client, username):
    """(url, body) of every GET page of the url map that opens with 200 as HTML for the user,
    one record each where the route takes a record."""
    doors, _ = enumerate_doors(app)
    for door in doors:
        if door.model is None:
            urls = [door.url(app, db)]
        else:
            own, _ = _split_ids(db, username, door.model)
            urls = [door.url(app, db, row_id) for row_id in own[:1]]
        for url in urls:
            response = _fetch(client, url)
            if response.status_code == 200 and response.mimetype == "text/html":
                yield url, response.get_data(as_text=True)


@pytest.fixture(scope="module")
def questionnaire_texts():
    return _questionnaire_texts()


# the pages that show the questionnaire itself, whose texts stay Danish
QUESTIONNAIRE_PAGES = ("/form/", "/package/")


def _excluded(db, questionnaire_texts):
    """Data on every page: the names, and the key figures' names (the questionnaire's,
    listed with the benchmarks and thresholds)."""
    from flask import current_app

    from app.questionnaires import load

    figures = load(current_app.config["QUESTIONNAIRE_VERSION"]).key_figures.values()
    names = data_texts(db) + sorted({f.label for f in figures}, key=len, reverse=True)
    return {"exact": set(), "names": sorted(set(names), key=len, reverse=True)}


def _questionnaire_cut(nodes, questionnaire_texts):
    """The questionnaire's texts stay Danish: nodes that are (part of) one are left out."""
    long_texts = [t for t in questionnaire_texts if len(t) > 12]
    return [
        n
        for n in nodes
        if n not in questionnaire_texts and not any(n in t or t in n for t in long_texts)
    ]


@pytest.mark.parametrize("username", ["lbf", "bo", "kbh"])
def test_every_screen_is_english_when_english_is_chosen(
    app, db, world, username, questionnaire_texts
):
    client = app.test_client()
    with app.app_context():
        login(client, username)
        client.get("/lang/en")
    danish = danish_ui_strings()
    excluded = _excluded(db, questionnaire_texts)
    problems, pages = {}, 0
    for url, page in html_pages(app, db, client, username):
        pages += 1
        nodes = visible_nodes(page)
        if url.startswith(QUESTIONNAIRE_PAGES):
            nodes = _questionnaire_cut(nodes, questionnaire_texts)
        found = found_strings(nodes, danish, excluded)
        if found:
            problems[url] = sorted(found)
    assert pages > 10, f"{username} opened only {pages} pages"
    assert not problems, f"Danish UI text on English pages as {username}:\n" + "\n".join(
        f"{url}: {words}" for url, words in sorted(problems.items())
    )


# FAB's words a Danish user must never see on LBF's lists (each with its Danish catalogue entry)
FAB_WORDS = [
    "List",
    "Search",
    "Add Filter",
    "Record Count",
    "Actions",
    "Edit",
    "Show",
    "Delete",
    "Back",
    "Save",
    "Add",
    "Add a new record",
    "Show record",
    "Edit record",
    "Delete record",
    "No records found",
    "Are you sure you want to delete this item?",
    "User confirmation needed",
    "Cancel",
    "OK",
]


# words written alike in Danish and English are no English leftover
SAME_IN_BOTH = {"OK", "Region", "Status", "Benchmark", "Benchmarks", "Log", "Id", "E-mail"}


def test_the_danish_catalogue_translates_fab_screen_words():
    da = _catalogue("da")
    missing = [w for w in FAB_WORDS if da.get(w) is None or not da.get(w).string]
    assert not missing, f"FAB words without Danish: {missing}"


LBF_LISTS = [
    "/organisationview/list/",
    "/estateview/list/",
    "/municipalityview/list/",
    "/regionview/list/",
    "/packageview/list/",
    "/formview/list/",
    "/auditentryview/list/",
    "/benchmarkview/list/",
    "/flagthresholdview/list/",
    "/users/list/",
    "/roles/list/",
    "/groups/list/",
    "/years/",
    "/years/2026/master-data",
]


def test_lbf_lists_show_no_english_flask_appbuilder_words(app, db, world):
    client = app.test_client()
    with app.app_context():
        login(client, "lbf")
    english = english_fab_strings() | set(FAB_WORDS)
    excluded = {"exact": set(), "names": data_texts(db)}
    problems = {}
    for url in LBF_LISTS:
        response = _fetch(client, url)
        assert response.status_code == 200, url
        found = found_strings(visible_nodes(response.get_data(as_text=True)), english, excluded)
        found -= SAME_IN_BOTH
        if found:
            problems[url] = sorted(found)
    assert not problems, "English words on LBF's Danish lists:\n" + "\n".join(
        f"{url}: {words}" for url, words in sorted(problems.items())
    )


def _english_lbf(app, client):
    with app.app_context():
        login(client, "lbf")
        client.get("/lang/en")
    return client


def _danish_left(db, page) -> set[str]:
    return found_strings(visible_nodes(page), danish_ui_strings(), _excluded(db, set()))


def test_error_pages_are_english_when_english_is_chosen(app, db, world):
    client = _english_lbf(app, app.test_client())
    for url in ("/organisationview/show/999999", "/no-such-page/"):
        response = _fetch(client, url)
        assert response.status_code == 404, url
        assert not _danish_left(db, response.get_data(as_text=True)), url


def test_messages_after_a_refused_input_are_english(app, db, world):
    client = _english_lbf(app, app.test_client())
    with app.app_context():
        response = client.post("/years/open", data={"year": "abc"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Angiv et gyldigt styringsdialogår" not in page
    assert not _danish_left(db, page)
    package_id = db.session.scalar(select(Package.id).limit(1))
    with app.app_context():
        response = client.post(f"/packageview/edit/{package_id}", data={"deadline": "31-02-2026"})
    page = response.get_data(as_text=True)
    assert "Ikke en gyldig dato" not in page
    assert not _danish_left(db, page)


@pytest.mark.parametrize("username", ["lbf", "bo", "kbh"])
def test_no_danish_screen_shows_english_flask_appbuilder_words(app, db, world, username):
    client = app.test_client()
    with app.app_context():
        login(client, username)
    english = english_fab_strings() | set(FAB_WORDS)
    excluded = _excluded(db, set())
    problems = {}
    for url, page in html_pages(app, db, client, username):
        found = found_strings(visible_nodes(page), english, excluded) - SAME_IN_BOTH
        if found:
            problems[url] = sorted(found)
    assert not problems, f"English words on Danish screens as {username}:\n" + "\n".join(
        f"{url}: {words}" for url, words in sorted(problems.items())
    )
