"""Every page's shell in the browser: language, skip link, header, menu per role, footer, and
assets from the app's own static files only."""

import re
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e

# The main menu of each role, written out by hand: top-level entries, and each dropdown's items.
MENUS = {
    "lbf": {
        "top": ["Oversigt", "Dokumentationspakker", "Stamdata", "Administration"],
        "Stamdata": [
            "Organisationer",
            "Afdelinger",
            "Kommuner",
            "Regioner",
            "Brugere",
            "Rettigheder",
        ],
        "Administration": [
            "Styringsdialogår",
            "Log",
            "Benchmarks",
            "Indeks for fremskrivning",
            "Tærskler for kritiske værdier",
            "Registre",
            "Roller",
        ],
    },
    "bo": {"top": ["Oversigt", "Dokumentationspakker", "Afdelinger"]},
    "adm": {"top": ["Oversigt", "Dokumentationspakker", "Afdelinger"]},
    "kbh": {"top": ["Oversigt", "Dokumentationspakker", "Organisationer"]},
}


def top_entries(page):
    return [
        " ".join(text.split())
        for text in page.locator("nav.navigation-menu .navbar-nav > li > a").all_inner_texts()
    ]


def dropdown_entries(page, name):
    item = page.locator("nav.navigation-menu .navbar-nav > li.dropdown", has_text=name)
    return [" ".join(t.split()) for t in item.locator(".dropdown-menu a").all_inner_texts()]


@pytest.mark.parametrize("username", sorted(MENUS))
def test_each_role_sees_exactly_its_menu_on_one_line(live_server, page, username):
    login(page, live_server, username)
    expected = MENUS[username]
    assert top_entries(page) == expected["top"]
    for name, items in expected.items():
        if name != "top":
            assert dropdown_entries(page, name) == items
    # one line at 1280 px: every top entry sits at the same height
    tops = {
        round(box["y"])
        for box in (
            a.bounding_box() for a in page.locator("nav.navigation-menu .navbar-nav > li > a").all()
        )
    }
    assert len(tops) == 1


def test_page_has_language_skip_link_landmarks_and_one_h1(live_server, page):
    login(page, live_server, "bo")
    assert page.locator("html").get_attribute("lang") == "da"
    skip = page.locator("a.skipnav")
    assert skip.inner_text() == "Gå til indhold"
    assert skip.get_attribute("href") == "#main-content"
    assert page.locator("main#main-content").count() == 1
    # the skip link is the first thing the keyboard reaches, and it is visible when focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skipnav"
    assert skip.bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
    assert page.locator("header").count() == 1
    assert page.locator("header").get_attribute("role") is None
    assert page.locator("header nav").count() == 1
    assert page.locator("footer").count() == 1
    assert page.locator("h1").count() == 1


@pytest.mark.parametrize(
    "username, name, affiliation",
    [
        ("bo", "Bo Hansen", "Boligselskabet Hovedstaden"),
        ("kbh", "Karen Bach", "København"),
        ("lbf", "Lise Berg", "Landsbyggefonden"),
    ],
)
def test_header_names_the_service_the_user_and_the_users_organisation(
    live_server, page, username, name, affiliation
):
    login(page, live_server, username)
    header = page.locator("header")
    assert header.locator(".solution-heading").inner_text() == "Almen styringsdialog"
    assert header.locator(".user-name").inner_text().strip() == name
    assert affiliation in header.locator(".user-affiliation").inner_text()
    assert header.get_by_role("link", name="Log ud").count() == 1


def test_language_link_is_named_and_switches_to_english_and_back(live_server, page):
    login(page, live_server, "kbh")
    switch = page.locator("header a.language-switch")
    assert switch.inner_text() == "English"
    assert switch.locator("[lang=en]").count() == 1
    assert switch.locator("img, i.flag, .flag").count() == 0
    switch.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert top_entries(page) == ["Overview", "Documentation packages", "Organisations"]
    switch = page.locator("header a.language-switch")
    assert switch.inner_text() == "Dansk"
    assert switch.locator("[lang=da]").count() == 1
    switch.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "da"
    assert top_entries(page) == MENUS["kbh"]["top"]


def test_footer_links_to_the_accessibility_statement_without_login(live_server, page):
    page.goto(f"{live_server}/about/")
    footer = page.locator("footer")
    assert "Landsbyggefonden" in footer.inner_text()
    assert "lbf@lbf.dk" in footer.inner_text()
    footer.get_by_role("link", name="Tilgængelighedserklæring").click()
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path == "/tilgaengelighed/"
    assert page.locator("h1").inner_text() == "Tilgængelighedserklæring"
    text = page.locator("main").inner_text()
    assert "WCAG 2.1" in text and "AA" in text
    assert "lbf@lbf.dk" in text
    screenshot(page, "accessibility-statement")


def test_package_list_rows_open_the_package_page(live_server, page):
    login(page, live_server, "bo")
    page.goto(f"{live_server}/packageview/list/")
    link = page.locator("table tbody tr").first.locator("a[href^='/package/']").first
    href = link.get_attribute("href")
    assert re.fullmatch(r"/package/\d+/", href)
    link.click()
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path == href


def test_fonts_and_icons_come_from_the_apps_own_static_files(live_server, page):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    login(page, live_server, "lbf")
    page.goto(f"{live_server}/overview/")
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready")
    urls = set(requests)
    assert all(url.startswith(live_server + "/") for url in urls), sorted(
        url for url in urls if not url.startswith(live_server + "/")
    )
    fonts = {u for u in urls if "/static/vendor/dkfds/fonts/IBMPlexSans-" in u}
    assert fonts, "IBM Plex Sans was not loaded"
    assert any("/static/vendor/dkfds/img/all-svg-icons.svg" in u for u in urls)
    assert page.evaluate(
        "document.fonts.check('16px \"IBM Plex Sans\"') && "
        "getComputedStyle(document.body).fontFamily.startsWith('\"IBM Plex Sans\"')"
    )
    for url in fonts | {u for u in urls if u.endswith(".svg")}:
        assert page.request.get(url).status == 200, url


VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844), "zoom400": (320, 700)}


@pytest.mark.parametrize("username", ["lbf", "bo", "kbh"])
def test_overview_fits_desktop_phone_and_400_percent_zoom(browser, live_server, username):
    for label, (width, height) in VIEWPORTS.items():
        context = browser.new_context(locale="da-DK", viewport={"width": width, "height": height})
        page = context.new_page()
        try:
            login(page, live_server, username)
            screenshot(page, f"shell-overview-{username}-{label}")
            # nothing scrolls sideways, and the header keeps the service name on screen
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            box = page.locator(".solution-heading").bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width
        finally:
            context.close()


@pytest.mark.parametrize(
    ("username", "page_of"),
    [
        ("bo", "package"),
        ("bo", "form"),
        ("kbh", "package"),
        ("bo", "confirmation"),
    ],
)
def test_package_and_form_pages_fit_400_percent_zoom(browser, live_server, db, username, page_of):
    """At 320 px (1280 px at 400 %) the package page, a form section and the confirmation
    step reflow: nothing scrolls sideways."""
    from tests.conftest import estate_form_id
    from tests.services.test_filling import package_of

    package_id = package_of(db, 101).id
    url = {
        "package": f"/package/{package_id}/",
        "form": f"/form/{estate_form_id(db)}/economy",
        "confirmation": f"/package/{package_id}/submit",
    }[page_of]
    context = browser.new_context(locale="da-DK", viewport={"width": 320, "height": 700})
    page = context.new_page()
    try:
        login(page, live_server, username)
        page.goto(live_server + url)
        screenshot(page, f"zoom400-{page_of}-{username}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        context.close()
