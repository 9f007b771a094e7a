"""axe-core in a real headless Chromium on every screen type, as every role that can open it:
no page may have a critical or a serious violation (WCAG 2.1 AA and axe's best practices).

axe-core comes bundled in the `axe-playwright-python` package and is injected into the page by
Playwright: nothing is downloaded. Each page is its own test case; a failure prints every
violation's id, impact, target selectors and help URL.

One demo world and one live server serve the whole module, and each user keeps one logged-in
browser context, so the ~150 pages run in a few minutes.
"""

import functools
import re
import threading
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.conftest import clean_database
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

BLOCKING = ("critical", "serious")

# one user per role for the generated screens; every demo user for the overview and package page
ROLE_USERS = {"LBF": "lbf", "HOUSING": "bo", "ADMINISTRATION": "adm", "MUNICIPALITY": "kbh"}
ALL_USERS = ["lbf", "bo", "boadm", "adm", "nord", "kbh", "roskilde", "aarhus"]

# the package whose forms are checked section by section: Boligforeningen Lillebo (462), which
# boadm administers; its estate 1 gets a red vacancy figure
FORM_ORGANISATION = 462
ADMIN_ORGANISATION = 900  # adm's administration company: the administration report
RED_FIGURE = "vacancy_rate_family"

# the dialogue's screens: Hovedstaden (101) sent to Copenhagen and Roskilde, so the
# municipalities' package pages show their actions and the organisation its receipts;
# Nordjysk (851) complete, so its confirmation step shows who receives what
SENT_ORGANISATION = 101
COMPLETE_ORGANISATION = 851


@dataclass(frozen=True)
class Screen:
    """One page to check: who opens it, and how to reach it."""

    id: str
    user: str | None  # None: logged out
    kind: str
    target: str = ""  # a path, a model view's route base, or a form section
    extra: str = ""


@functools.cache
def _model_views():
    """The FAB ModelViews the app registers, with the methods each exposes and which roles may
    use each: taken from a throwaway app, so a view added later is checked without a change
    here."""
    from flask_appbuilder import ModelView

    from app import create_app
    from app.permissions import FAB_ROLES
    from app.rules.enums import Role
    from config import TestConfig
    from tests.conftest import dispose_engines

    throwaway = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    views = [v for v in throwaway.appbuilder.baseviews if isinstance(v, ModelView)]
    dispose_engines(throwaway)

    def allowed(role, view, permission):
        return any(
            re.match(view_re, view.class_permission_name) and re.match(perm_re, permission)
            for view_re, perm_re in FAB_ROLES[Role[role].value]
        )

    return [
        (
            view.route_base,
            type(view).__name__,
            {
                role: [
                    method
                    for method in ("list", "show", "edit", "add")
                    if f"can_{method}" in view.base_permissions
                    and allowed(role, view, f"can_{method}")
                ]
                for role in ROLE_USERS
            },
        )
        for view in views
    ]


def _sections():
    """Every form section of the configured questionnaire, by form kind."""
    from app.questionnaires import load
    from config import TestConfig

    definition = load(TestConfig.QUESTIONNAIRE_VERSION)
    return {
        kind: [s.key for s in form.sections if s.applies("in_operation")]
        for kind, form in definition.forms.items()
    }


def _screens() -> list[Screen]:
    screens = [
        Screen("login-logged-out", None, "path", "/login/"),
        Screen("about-logged-out", None, "path", "/about/"),
        Screen("accessibility-statement-logged-out", None, "path", "/tilgaengelighed/"),
        Screen("error-404-logged-out", None, "path", "/no-such-page/"),
        Screen("error-404-lbf", "lbf", "path", "/no-such-page/"),
        Screen("years-lbf", "lbf", "path", "/years/"),
        Screen("year-master-data-lbf", "lbf", "path", "/years/2026/master-data"),
    ]
    for user in ALL_USERS:
        screens.append(Screen(f"overview-{user}", user, "path", "/overview/"))
        screens.append(Screen(f"package-{user}", user, "package"))
        if user != "lbf":
            screens.append(Screen(f"userinfo-{user}", user, "path", "/users/userinfo/"))
    for kind, keys in _sections().items():
        user = "adm" if kind == "ADMIN_REPORT" else "boadm"
        for key in keys:
            screens.append(Screen(f"form-{kind}-{key}-{user}", user, "section", kind, key))
    screens += [
        Screen("form-ESTATE_FORM-read-only-lbf", "lbf", "section", "ESTATE_FORM", "economy"),
        Screen("form-red-figure-boadm", "boadm", "red_figure", "ESTATE_FORM"),
        Screen("form-help-text-open-boadm", "boadm", "open_help", "HOUSING_REPORT"),
        Screen("form-error-summary-boadm", "boadm", "error_summary", "HOUSING_REPORT"),
        Screen("form-error-summary-left-section-boadm", "boadm", "error_left", "HOUSING_REPORT"),
    ]
    for route, name, methods in _model_views():
        for role, user in ROLE_USERS.items():
            for method in methods[role]:
                screens.append(Screen(f"{name}-{method}-{user}", user, method, route))
        if "add" in methods["LBF"]:
            screens.append(Screen(f"{name}-add-refused-lbf", "lbf", "add_refused", route))
    screens += [
        Screen("search-filters-in-url-lbf", "lbf", "path", "/estateview/list/?_flt_0_name=a"),
        Screen("search-filter-added-lbf", "lbf", "add_filter", "/organisationview/list/"),
        Screen("search-filter-added-kbh", "kbh", "add_filter", "/packageview/list/"),
        # English mode: the shell, the generated screens and a form
        Screen("english-overview-lbf", "lbf-en", "path", "/overview/"),
        Screen("english-list-lbf", "lbf-en", "list", "/organisationview"),
        Screen("english-edit-lbf", "lbf-en", "edit", "/estateview"),
        Screen("english-package-boadm", "boadm-en", "package"),
        Screen("english-form-boadm", "boadm-en", "section", "HOUSING_REPORT", "organisation"),
        Screen("english-login-logged-out", "logged-out-en", "path", "/login/"),
        # the dialogue: the confirmation step, the refusal with every missing item, public pages
        Screen("submit-confirmation-nord", "nord", "confirm", str(COMPLETE_ORGANISATION)),
        Screen("submit-refused-boadm", "boadm", "confirm", str(FORM_ORGANISATION)),
        Screen("worklist-filtered-kbh", "kbh", "path", "/overview/?status=SUBMITTED&sort=status"),
        *(Screen(f"guide-{u}", u, "path", "/overview/guide") for u in ROLE_USERS.values()),
        Screen("english-guide-kbh", "kbh-en", "path", "/overview/guide"),
        # LBF's register imports: the upload screen and a refused file's report
        Screen("registers-lbf", "lbf", "path", "/registers/"),
        Screen("register-refused-lbf", "lbf", "register_refused", "/registers/"),
        # DKFDS's date picker with its calendar open (the same component on every date field)
        Screen("date-picker-open-edit-kbh", "kbh", "date_picker", "package_edit"),
        # users and rights: the local administrator's screens and the invited person's page
        *(Screen(f"rights-{u}", u, "path", "/rights/") for u in ("lbf", "adm", "kbh")),
        Screen("rights-user-adm", "adm", "rights_user", "/rights/"),
        Screen("rights-invite-adm", "adm", "path", "/rights/invite"),
        Screen("invitation-refused-logged-out", None, "path", "/invitation/forfalsket"),
        # the idle timeout's dialog, before and after the end, over a form page
        Screen("idle-warning-boadm", "boadm", "idle_dialog", "HOUSING_REPORT", "warning"),
        Screen("idle-expired-boadm", "boadm", "idle_dialog", "HOUSING_REPORT", "expired"),
        Screen("published-municipalities-logged-out", None, "path", "/offentlig/"),
        Screen("published-municipality-logged-out", None, "path", "/offentlig/101/"),
    ]
    return screens


SCREENS = _screens()


@pytest.fixture(scope="module")
def site(app):
    """One demo world (with a red figure) and one live server for the whole module."""
    from app.extensions import db
    from app.models import Benchmark, Estate, FlagThreshold, KeyFigureValue, Organisation
    from app.services import demo_data
    from app.services.key_figures import forget_efficiency_averages
    from app.services.masterdata import load_regions_and_municipalities
    from app.services.year_opening import open_year

    forget_efficiency_averages()
    with app.app_context():
        clean_database(db)
        load_regions_and_municipalities()
        demo_data.build("small")
        open_year(2026, app.config["QUESTIONNAIRE_VERSION"])
        estate_id = db.session.scalar(
            select(Estate.id)
            .join(Organisation)
            .where(Organisation.number == FORM_ORGANISATION, Estate.number == 1)
        )
        benchmark = db.session.scalar(
            select(Benchmark.value).where(Benchmark.year == 2026, Benchmark.key == RED_FIGURE)
        )
        figure = db.session.scalar(
            select(KeyFigureValue).where(
                KeyFigureValue.estate_id == estate_id,
                KeyFigureValue.year == 2026,
                KeyFigureValue.key == RED_FIGURE,
            )
        )
        figure.value = benchmark * 4
        # a row in the lists that the demo world leaves empty
        db.session.add(
            FlagThreshold(
                year=2026,
                key="move_out_rate_youth",
                direction="higher_is_worse",
                yellow=10,
                red=20,
            )
        )
        app.appbuilder.sm.add_group("Kontaktpersoner", "Kontaktpersoner", "Til demo")
        db.session.commit()
        _send_and_complete(db)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        clean_database(db)
        db.session.remove()


def _send_and_complete(db):
    from app.models import AccountsFiling
    from app.services import submit
    from tests.services.test_filling import (
        actor,
        complete_estate_form,
        complete_report,
        package_of,
    )

    for number, user in ((SENT_ORGANISATION, "bo"), (COMPLETE_ORGANISATION, "nord")):
        package = package_of(db, number)
        for form in package.forms:
            if form.estate_id is None:
                complete_report(db, form, user=user)
            else:
                complete_estate_form(db, form, user=user)
        filed = select(AccountsFiling.id).where(
            AccountsFiling.organisation_id == package.organisation_id,
            AccountsFiling.accounting_year == 2025,
        )
        if db.session.scalar(filed) is None:
            db.session.add(
                AccountsFiling(organisation_id=package.organisation_id, accounting_year=2025)
            )
            db.session.commit()
    submit.submit(package_of(db, SENT_ORGANISATION).id, actor(db, "bo"))


def _package_id(app, number: int) -> int:
    from app.extensions import db
    from tests.services.test_filling import package_of

    with app.app_context():
        package_id = package_of(db, number).id
        db.session.remove()
    return package_id


@pytest.fixture(scope="module")
def pages(browser, site):
    """One logged-in page per user ("-en": switched to English), made when first needed."""
    made = {}

    def page_of(user):
        if user not in made:
            context = browser.new_context(locale="da-DK", viewport={"width": 1366, "height": 900})
            page = context.new_page()
            username = user.removesuffix("-en") if user else None
            if username and username != "logged-out-en":
                login(page, site, username)
            if user and user.endswith("-en"):
                page.goto(f"{site}/lang/en")
            made[user] = page
        return made[user]

    yield page_of
    for page in made.values():
        page.context.close()


def _form_ids(app, kind: str) -> tuple[int, int]:
    """(package id, form id) of the checked package's form of this kind."""
    from app.extensions import db
    from app.models import Form, Organisation, Package

    number = ADMIN_ORGANISATION if kind == "ADMIN_REPORT" else FORM_ORGANISATION
    with app.app_context():
        query = (
            select(Form.package_id, Form.id)
            .join(Package, Form.package_id == Package.id)
            .join(Organisation, Package.organisation_id == Organisation.id)
            .where(Organisation.number == number, Package.year == 2026)
            .where(Form.kind == kind)
            .order_by(Form.id)
        )
        row = db.session.execute(query).first()
        db.session.remove()
    assert row is not None, f"no {kind} form in the demo package of organisation {number}"
    return row.package_id, row.id


def _section_of(kind: str, figure: str) -> str:
    from app.questionnaires import load
    from config import TestConfig

    form = load(TestConfig.QUESTIONNAIRE_VERSION).forms[kind]
    for section in form.sections:
        for item in section.items:
            if any(getattr(row, "figure", None) == figure for row in getattr(item, "rows", ())):
                return section.key
    raise AssertionError(f"no section of {kind} shows {figure}")


def _first_link(page, site, route: str, method: str, app) -> str:
    """The show or edit page of the first row the user may open: from the list's own link,
    or (where the list links elsewhere, as the package list does) the first id that opens."""
    page.goto(f"{site}{route}/list/")
    links = page.locator(f'a[href*="{route}/{method}/"]')
    if links.count() > 0:
        return site + links.first.get_attribute("href")
    from app.extensions import db

    view = next(v for v in app.appbuilder.baseviews if v.route_base == route)
    model = view.datamodel.obj
    with app.app_context():
        ids = db.session.scalars(select(model.id).order_by(model.id).limit(200)).all()
        db.session.remove()
    for pk in ids:
        url = f"{site}{route}/{method}/{pk}"
        if page.request.get(url, max_redirects=0).status == 200:
            return url
    # not a violation: in the demo world this user has no such row (a municipality sees an
    # organisation's forms only once its package is sent), so the page cannot be reached
    pytest.skip(f"no row of {route} that this user may {method} in the demo world")


def _open(screen: Screen, page, site, app) -> None:
    """Bring the page to the state the screen names."""
    kind, target = screen.kind, screen.target
    if kind == "path":
        page.goto(site + target)
    elif kind == "list":
        page.goto(f"{site}{target}/list/")
    elif kind in ("show", "edit"):
        page.goto(_first_link(page, site, target, kind, app))
    elif kind == "add":
        page.goto(f"{site}{target}/add")
    elif kind == "add_refused":
        page.goto(f"{site}{target}/add")
        # the browser's own checks of required fields step aside: the server refuses
        page.evaluate("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
        with page.expect_navigation():
            page.locator("#model_form [type=submit]").first.click()
        assert page.locator(".has-error, .alert-danger").count() > 0, "the empty add was taken"
    elif kind == "add_filter":
        page.goto(site + target)
        page.locator("details.list-search > summary").first.click()
        page.locator("#filter_form .dropdown-toggle").first.click()
        page.locator("#filter_form a.filter").first.click()
        assert page.locator("#filter_form .filters tr").count() > 0, "no filter row added"
    elif kind == "package":
        page.goto(f"{site}/overview/")
        link = page.locator('main a[href*="/package/"], a[href*="/package/"]').first
        page.goto(site + link.get_attribute("href"))
    elif kind == "confirm":
        page.goto(f"{site}/package/{_package_id(app, int(target))}/submit")
    elif kind == "section":
        _, form_id = _form_ids(app, target)
        response = page.goto(f"{site}/form/{form_id}/{screen.extra}")
        assert response.ok, f"{screen.user} cannot open the form: {response.status}"
    elif kind == "red_figure":
        _, form_id = _form_ids(app, target)
        page.goto(f"{site}/form/{form_id}/{_section_of(target, RED_FIGURE)}")
        row = page.locator(f'[data-figure="{RED_FIGURE}"]').first
        assert "danger" in (row.get_attribute("class") or ""), "the figure is not shown red"
    elif kind == "open_help":
        _, form_id = _form_ids(app, target)
        page.goto(f"{site}/form/{form_id}/")
        toggle = page.locator(".help-toggle").first
        toggle.click()
        page.locator(".help-text.in, .help-text:visible").first.wait_for(state="visible")
    elif kind in ("error_summary", "error_left"):
        _, form_id = _form_ids(app, target)
        page.goto(f"{site}/form/{form_id}/")
        first = page.url.rstrip("/").rsplit("/", 1)[-1]
        if kind == "error_summary":  # "Tjek afsnittet": the section itself, fields marked
            page.goto(f"{page.url.split('?')[0]}?from={first}")
        else:  # the next section, after leaving the first with answers missing
            links = page.locator(
                f'.section-bar a[href*="/form/{form_id}/"]:not([href$="/{first}"])'
            )
            href = links.first.get_attribute("href").split("?")[0]
            page.goto(f"{site}{href}?from={first}")
    elif kind == "rights_user":
        page.goto(site + target)
        page.goto(site + page.locator('#users a[href*="/rights/"]').last.get_attribute("href"))
    elif kind == "idle_dialog":
        _, form_id = _form_ids(app, target)
        page.goto(f"{site}/form/{form_id}/")
        # the dialog as its script shows it (its timing is tested in test_idle_timeout_in_browser)
        page.evaluate(
            """(which) => {
                const box = document.getElementById('session-timeout');
                box.hidden = false;
                box.querySelector('.session-' + which).hidden = false;
            }""",
            screen.extra,
        )
    elif kind == "register_refused":
        page.goto(site + target)
        header = "organisation;regnskabsaar;regnskab_indberettet;aarsberetning_indberettet;"
        page.set_input_files(
            "#register-file",
            files=[
                {
                    "name": "regnskaber.csv",
                    "mimeType": "text/csv",
                    "buffer": (
                        header + "revisionsprotokol_indberettet\n999;2030;95,5;;\n"
                    ).encode(),
                }
            ],
        )
        with page.expect_navigation():
            page.click("#register-upload button[type=submit]")
        page.locator("#import-problems").wait_for()
    elif kind == "date_picker":
        if target == "package_edit":
            target = f"/packageview/edit/{_package_id(app, 101)}"
        page.goto(site + target)
        page.locator(".date-picker__button").first.click()
        page.locator(".date-picker__calendar").first.wait_for(state="visible")
    else:
        raise AssertionError(f"unknown screen kind {kind}")
    page.wait_for_load_state("load")


def _report(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append("    " + " ".join(str(t) for t in node["target"]))
    return "\n".join(lines)


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("screen", SCREENS, ids=[s.id for s in SCREENS])
def test_page_has_no_critical_or_serious_accessibility_violation(screen, site, pages, axe, app):
    page = pages(screen.user)
    _open(screen, page, site, app)
    assert page.url.startswith(site), f"left the site: {page.url}"
    results = axe.run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    if blocking:
        pytest.fail(f"{page.url}\n{_report(blocking)}", pytrace=False)


def test_the_checked_screens_cover_every_model_view_and_role():
    """A model view registered later gets its list, show, edit and add pages checked."""
    names = {name for _route, name, _methods in _model_views()}
    assert {"OrganisationView", "AppUserDBModelView", "AppRoleModelView"} <= names
    checked = {s.id.split("-")[0] for s in SCREENS if s.kind in ("list", "show", "edit", "add")}
    assert names <= checked
