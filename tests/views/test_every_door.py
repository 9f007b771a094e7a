"""Every door of the application, as every demo role, with own and foreign records.

The doors are not listed here: they are read from the application itself (its URL map and the
REST APIs registered with the app builder), so a new view or API is covered without editing
this file, and a route this file cannot classify fails the test until someone decides what
record it takes. What each role may see is written out by hand from the small demo world's
definition (tests/views/test_access_matrix.py), never computed with the filter under test.

A door passes when
- nothing foreign appears in its body: no name of an organisation or estate the user may not
  see, in HTML (scripts included, escaped or not) or in JSON (decoded, searched recursively);
- it never answers 500;
- a foreign record answers 404 wherever an own record of the same kind opens (200); where the
  role may not open that door at all, it is refused (302, 401, 403) or 404, never 200;
- a REST list or a related field of `_info` counts only what it lists.
"""

import html
import json
from dataclasses import dataclass

import pytest
from flask_appbuilder import ModelRestApi
from flask_appbuilder.baseviews import BaseModelView
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.models import (
    AppUser,
    Attachment,
    AuditEntry,
    Benchmark,
    Estate,
    FlagThreshold,
    Form,
    GuidanceDocument,
    Municipality,
    Organisation,
    Package,
    PrintJob,
    Region,
    RegisterImport,
    Statement,
)
from app.questionnaires import load as load_questionnaire
from app.rules.enums import GuideAudience, PrintStatus
from tests.conftest import login
from tests.views.test_access_matrix import ESTATES, ORGANISATIONS, PACKAGES

ROLES = ["lbf", "bo", "boadm", "adm", "adm2", "nord", "kbh", "roskilde", "aarhus"]

# The users each user sees (user doors, their rights): itself; a local administrator also the
# other users of its organisation or municipality (every demo user is the local administrator
# of its own, but adm's colleague adm2)
USERS = {
    "bo": {"bo"},
    "boadm": {"boadm"},
    "adm": {"adm", "adm2"},
    "adm2": {"adm2"},
    "nord": {"nord"},
    "kbh": {"kbh"},
    "roskilde": {"roskilde"},
    "aarhus": {"aarhus"},
}

# Routes that take no record and are not fetched, each for its reason:
NO_RECORD = {
    "static",  # the app's own CSS/JS files: the same bytes for everyone
    "appbuilder.static",  # Flask-AppBuilder's CSS/JS files: the same for everyone
    "AuthDBView.login",  # the login page: shown before anyone is known
    "AuthDBView.logout",  # ends the session the test is walking with
    "LocaleView.index",  # /lang/<code> switches the language and redirects back
    "UtilView.back",  # redirects to the previous page, which is fetched on its own
}

# The small demo world's estates, by organisation number (app/services/demo_data.py, small)
ESTATE_NUMBERS = {
    900: set(),  # an administration organisation has no estates
    101: {1, 2, 3, 4, 5, 6, 99},
    751: {1, 2, 3},
    752: {1, 2},
    461: {1, 2, 3},
    462: {1, 2},
    851: {1, 2, 3, 98},
}


def visible_estates(username):
    """(organisation number, estate number) pairs a user may see: a municipality by the
    matrix's table, an organisation every estate of the organisations it acts for."""
    if username in ESTATES:
        return ESTATES[username]
    return {(org, n) for org in ORGANISATIONS[username] for n in ESTATE_NUMBERS[org]}


# Package content (forms) opens to a municipality only once submitted: in the fresh world no
# package is, so a municipality sees no form; an organisation sees its packages' forms.
MUNICIPALITIES = {"kbh", "roskilde", "aarhus"}


def visible_form_organisations(username):
    return set() if username in MUNICIPALITIES else PACKAGES[username]


# --- what a record is and whom it belongs to ------------------------------------------------

SHARED = "shared"  # master data every logged-in role may read


def owner_of(db, model, row_id):
    """How a record is judged: (kind, key) compared with the hand-written tables."""
    row = db.session.get(model, row_id)
    if model is Organisation:
        return ("organisation", row.number)
    if model is Estate:
        return ("estate", (row.organisation.number, row.number))
    if model is Package:
        return ("package", row.organisation.number)
    if model is Form:
        return ("form", row.package.organisation.number)
    if model is AuditEntry and row.entity == "AppUser":
        # a change of a user's rights belongs to that user
        return ("user", db.session.get(AppUser, row.entity_id).username)
    if model is AuditEntry:
        package = db.session.get(Package, row.package_id) if row.package_id else None
        return ("audit", package.organisation.number if package else None)
    if model is AppUser:
        return ("user", row.username)
    if model in (Attachment, Statement, PrintJob):
        return ("content", row.package.organisation.number)
    if model in (Municipality, Region, Benchmark, FlagThreshold):
        return (SHARED, None)
    if model is GuidanceDocument:
        return ("guide", row.audience.value)
    # FAB's own tables (roles, groups, permissions): LBF administers them, nobody else sees them
    return ("lbf-only", None)


def may_see(username, owner):
    kind, key = owner
    if username == "lbf" or kind == SHARED:
        return True
    if kind == "organisation":
        return key in ORGANISATIONS[username]
    if kind == "estate":
        return key in visible_estates(username)
    if kind == "package":
        return key in PACKAGES[username]
    if kind == "form":
        return key in visible_form_organisations(username)
    if kind == "audit":
        # the log of the packages an organisation acts for; municipalities read no log
        return username not in MUNICIPALITIES and key in PACKAGES[username]
    if kind == "user":
        return key in USERS[username]
    if kind == "guide":
        # for everyone logged in, or for the organisations or the municipalities only
        return key == "ALL" or (key == "MUNICIPALITIES") == (username in MUNICIPALITIES)
    if kind == "content":
        # nothing in the walk's world is submitted: its municipalities see no package content
        return username not in MUNICIPALITIES and key in PACKAGES[username]
    return False


# --- foreign text -------------------------------------------------------------------------


def foreign_texts(db, username):
    """Names of organisations and estates `username` may not see (a name that a visible row
    also carries is not foreign), in every spelling a page may use."""
    seen, hidden = set(), set()
    for org in db.session.scalars(select(Organisation)):
        (seen if org.number in ORGANISATIONS[username] or username == "lbf" else hidden).add(
            org.name
        )
    estates_seen = visible_estates(username) if username != "lbf" else None
    for estate in db.session.scalars(select(Estate)):
        key = (estate.organisation.number, estate.number)
        (seen if estates_seen is None or key in estates_seen else hidden).add(estate.name)
    names = hidden - seen
    return {name: _spellings(name) for name in names}


def _spellings(name):
    escaped = html.escape(name)
    ascii_json = json.dumps(name)[1:-1]
    return {
        name,
        escaped,
        ascii_json,
        ascii_json.replace("\\u", "\\\\u"),
        escaped.replace(" ", "&nbsp;"),
    }


def leaked(body: str, foreign) -> list[str]:
    return sorted(name for name, spellings in foreign.items() if any(s in body for s in spellings))


def json_strings(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)
    elif value is not None:
        yield str(value)


def _pdf_text(data: bytes) -> str:
    """A PDF's text as its reader sees it (a form or a package printed)."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    except PdfReadError:
        return data.decode("latin-1")


def _xlsx_text(data: bytes) -> str:
    """Every cell of an Excel workbook (a statistics report downloaded)."""
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def check_body(response, foreign, where):
    if response.mimetype == "application/pdf":
        text = _pdf_text(response.data)
    elif response.mimetype.endswith("spreadsheetml.sheet"):
        text = _xlsx_text(response.data)
    else:
        text = response.get_data(as_text=True)
    found = leaked(text, foreign)
    if response.is_json:
        decoded = "\n".join(json_strings(response.get_json()))
        found += leaked(decoded, foreign)
    assert not found, f"{where}: foreign names in the body: {sorted(set(found))}"


def check_counts(response, where):
    """A count says how many rows the user may see, never how many exist."""
    if not response.is_json or response.status_code != 200:
        return
    payload = response.get_json()
    if isinstance(payload, dict) and "ids" in payload and "count" in payload:
        assert payload["count"] == len(payload["ids"]), f"{where}: list counts unseen rows"
    for key in ("add_columns", "edit_columns"):
        for field in payload.get(key, []) if isinstance(payload, dict) else []:
            if "count" in field:
                assert field["count"] == len(field["values"]), (
                    f"{where}: related field {field['name']} counts unseen rows"
                )


# --- the doors, read from the application ---------------------------------------------------


@dataclass(frozen=True)
class Door:
    rule: str
    endpoint: str
    model: type | None  # the record the route takes, or None
    record_param: str | None
    extra: tuple = ()  # other parameters: (name, how to fill it)
    query: str = ""

    def url(self, app, db, row_id=None):
        values = {}
        if self.record_param:
            values[self.record_param] = row_id
        for name, fill in self.extra:
            values[name] = fill(app, db, self.model, row_id)
        with app.test_request_context():
            from flask import url_for

            return url_for(self.endpoint, **values) + self.query


def _first_section(app, db, model, row_id):
    form = db.session.get(Form, row_id)
    version = form.package.questionnaire_version
    return load_questionnaire(version).form(form.kind).sections[0].key


def _action_name(app, db, model, row_id):
    return "unknown-action"


def _file_name(app, db, model, row_id):
    return "no-such-file.txt"


def _parent_package(app, db, model, row_id):
    return db.session.get(model, row_id).package_id


def _dialogue_year(app, db, model, row_id):
    return 2026


def _municipality_code(app, db, model, row_id):
    return 101


def _group_by(app, db, model, row_id):
    return "username"


def _api_version(app, db, model, row_id):
    return "v1"


def _token(app, db, model, row_id):
    return "not-a-signed-token"


# parameters that are not the record: how each is filled
FILLERS = {
    "section_key": _first_section,  # a real section of the form's questionnaire
    "name": _action_name,  # FAB's GET action route: refused without CSRF, any name will do
    "filename": _file_name,  # FAB's upload folder: no model of ours stores files there
    "group_by": _group_by,  # FAB's user statistics: grouped by a column, not a record
    "code": _municipality_code,  # the public pages of a municipality: shared master data
    "year": _dialogue_year,  # LBF's export of a year's log: a year, not a record
    "version": _api_version,  # the OpenAPI document of the API's version: the same for all
    "token": _token,  # an invitation's signed link: a forged one opens nothing
}


def _views_by_endpoint(app):
    views = {}
    for view in app.appbuilder.baseviews:
        views[view.endpoint] = view
        views[type(view).__name__] = view
    return views


def _model_for(param, view):
    if param == "user_id":
        return AppUser  # FAB's table is ab_user
    if param == "pk":
        datamodel = getattr(view, "datamodel", None)
        return datamodel.obj if datamodel is not None else None
    if param.endswith("_id"):
        table = param[: -len("_id")]
        for model in (
            Package,
            Form,
            Organisation,
            Estate,
            Municipality,
            Region,
            AuditEntry,
            Attachment,
            Statement,
            RegisterImport,
            PrintJob,
            GuidanceDocument,
        ):
            if model.__tablename__ == table:
                return model
    return None


def _info_query(view):
    relations = [
        c for c in {*view.add_columns, *view.edit_columns} if view.datamodel.is_relation(c)
    ]
    if not relations:
        return ""
    inner = ",".join(f"{c}:(page_size:100)" for c in sorted(relations))
    return f"?q=(add_columns:({inner}),edit_columns:({inner}))"


def enumerate_doors(app):
    """Every GET route, classified; a route that cannot be classified fails here."""
    views = _views_by_endpoint(app)
    doors, unclassified = [], []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NO_RECORD:
            continue
        view = views.get(rule.endpoint.split(".")[0])
        record_params = [a for a in rule.arguments if a not in FILLERS]
        extra = tuple((a, FILLERS[a]) for a in sorted(rule.arguments) if a in FILLERS)
        if len(record_params) == 2 and "package_id" in record_params:
            # a package's content (/package/<package_id>/attachments/<attachment_id>): the
            # record is the content, the package the one it belongs to
            record_params.remove("package_id")
            extra += (("package_id", _parent_package),)
        if len(record_params) > 1:
            unclassified.append(rule.rule)
            continue
        if record_params:
            model = _model_for(record_params[0], view)
            if model is None:
                unclassified.append(rule.rule)
                continue
            doors.append(Door(rule.rule, rule.endpoint, model, record_params[0], extra))
            continue
        query = ""
        method = rule.endpoint.split(".")[-1]
        if isinstance(view, ModelRestApi) and method == "info":
            query = _info_query(view)
        elif isinstance(view, ModelRestApi) and method == "get_list":
            query = "?q=(page_size:100)"
        elif isinstance(view, BaseModelView) and method == "list":
            query = f"?psize_{type(view).__name__}=100"
        doors.append(Door(rule.rule, rule.endpoint, None, None, extra, query))
    return doors, unclassified


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def clients(world, db, app):
    """One logged-in test client per demo role."""
    _attach_a_document_to_every_package(db)
    _print_every_package_for_its_organisation(db)
    _publish_guidance_for_every_audience(db)
    result = {}
    for username in ROLES:
        client = app.test_client()
        with app.app_context():  # see _fetch: each login in its own context
            login(client, username)
        result[username] = client
    return result


def _attach_a_document_to_every_package(db):
    """Package content for the walk to find: one attachment per package."""
    for package_id in db.session.scalars(select(Package.id)):
        content = b"%PDF-1.4\n%%EOF\n"
        db.session.add(
            Attachment(
                package_id=package_id,
                filename=f"bilag-{package_id}.pdf",
                content_type="application/pdf",
                size=len(content),
                content=content,
            )
        )
    db.session.commit()


def _print_every_package_for_its_organisation(db):
    """A package PDF per package, built for its organisation's view (every form)."""
    from app.services.printing import _scope

    for package in db.session.scalars(select(Package)):
        db.session.add(
            PrintJob(
                package_id=package.id,
                key=f"walk-{package.id}",
                scope=_scope(package.forms),
                status=PrintStatus.DONE,
                progress=100,
                filename=f"pakke-{package.id}.pdf",
                content=b"%PDF-1.4\n%%EOF\n",
            )
        )
    db.session.commit()


def _publish_guidance_for_every_audience(db):
    for audience in GuideAudience:
        content = b"%PDF-1.4\n%%EOF\n"
        db.session.add(
            GuidanceDocument(
                title=f"Vejledning {audience.value}",
                audience=audience,
                filename=f"vejledning-{audience.value}.pdf",
                content_type="application/pdf",
                size=len(content),
                content=content,
            )
        )
    db.session.commit()


def _ids(db, model):
    return sorted(db.session.scalars(select(model.id)))


_OWNERS: dict = {}


def _owners(db, model):
    """Each record's owner, read once per world (the walk only reads)."""
    key = (id(db.session.get_bind()), model, db.session.scalar(select(Package.created_at)))
    if key not in _OWNERS:
        _OWNERS.clear() if len(_OWNERS) > 50 else None
        _OWNERS[key] = {row_id: owner_of(db, model, row_id) for row_id in _ids(db, model)}
    return _OWNERS[key]


def _split_ids(db, username, model):
    own, foreign = [], []
    for row_id, owner in _owners(db, model).items():
        (own if may_see(username, owner) else foreign).append(row_id)
    return own, foreign


REFUSED = {302, 401, 403, 404}


def _fetch(client, url):
    # a fresh application context per request: the test's own context would otherwise hand
    # one client's logged-in user (kept in `g`) to the next client's request
    with client.application.app_context():
        try:
            return client.get(url, follow_redirects=False)
        except Exception as error:  # the test app lets a 500's exception through
            raise AssertionError(f"GET {url} fails with {error!r} (a 500)") from error


def check_record_door(app, db, client, username, door, row_id, own_status, foreign):
    url = door.url(app, db, row_id)
    response = _fetch(client, url)
    where = f"{username} GET {url}"
    assert response.status_code != 500, f"{where}: 500"
    check_body(response, foreign, where)
    check_counts(response, where)
    return response


def expect_foreign_refused(status, own_status, where):
    if own_status == 200:
        # the door opens for own records: a foreign one is not there at all
        assert status == 404, f"{where}: a foreign record answers {status}, not 404"
    else:
        assert status in REFUSED, f"{where}: a foreign record answers {status}"


# --- the tests -------------------------------------------------------------------------------


def test_every_get_route_is_classified(app):
    doors, unclassified = enumerate_doors(app)
    assert not unclassified, (
        "routes whose record this test cannot work out; add the parameter to FILLERS, give "
        f"the view a datamodel, or (only if it takes no record) to NO_RECORD: {unclassified}"
    )
    # the enumeration sees the generated doors, not an empty map
    endpoints = {d.endpoint for d in doors}
    assert {"PackageApi.info", "FormApi.info", "PackageView.show", "FormPageView.section"} <= (
        endpoints
    )


def test_every_generated_relation_dropdown_takes_the_row_level_filter(app):
    """A generated form's relation choices (search, add, edit) go through the related model's
    row-level filter, in every FAB view registered, FAB's own user views included."""
    from app.security import RowLevelFilter

    missing = []
    for view in app.appbuilder.baseviews:
        if not isinstance(view, BaseModelView) or isinstance(view, ModelRestApi):
            continue
        datamodel = view.datamodel
        if not has_row_level_filter(datamodel.obj):
            continue  # FAB's own tables: LBF's alone, see the test below
        for attribute, columns in (
            ("search_form_query_rel_fields", getattr(view, "search_columns", [])),
            ("add_form_query_rel_fields", getattr(view, "add_columns", [])),
            ("edit_form_query_rel_fields", getattr(view, "edit_columns", [])),
        ):
            if getattr(view, attribute, None) is None and not hasattr(view, "add_columns"):
                continue
            declared = getattr(view, attribute, None) or {}
            for column in columns or []:
                if not datamodel.is_relation(column):
                    continue
                filters = declared.get(column, [])
                if not any(flt[1] is RowLevelFilter for flt in filters):
                    missing.append(f"{type(view).__name__}.{attribute}[{column}]")
    assert not missing, f"relation dropdowns without the row-level filter: {missing}"


def has_row_level_filter(model) -> bool:
    """Whether `app.security` gives the model a row-level filter (FAB's own tables of roles,
    groups and permissions have none)."""
    from app.rules.access import Actor
    from app.rules.enums import Role
    from app.security import row_filter

    housing = Actor(
        user_id=1,
        roles=frozenset({Role.HOUSING}),
        organisation_id=1,
        organisation_ids=frozenset({1}),
    )
    try:
        row_filter(model, housing)
    except LookupError:
        return False
    return True


@pytest.mark.parametrize("username", [u for u in ROLES if u != "lbf"])
def test_views_of_tables_without_a_row_level_filter_are_refused_to_all_but_lbf(
    app, db, clients, username
):
    """A table with no row-level filter has no "own" rows: only LBF opens its doors."""
    client = clients[username]
    for door in enumerate_doors(app)[0]:
        view = _views_by_endpoint(app).get(door.endpoint.split(".")[0])
        datamodel = getattr(view, "datamodel", None)
        if datamodel is None or has_row_level_filter(datamodel.obj):
            continue
        ids = _ids(db, datamodel.obj) if door.model is not None else [None]
        for row_id in ids[:2]:
            response = _fetch(client, door.url(app, db, row_id))
            assert response.status_code in REFUSED, (username, door.rule, response.status_code)


@pytest.mark.parametrize("username", ROLES)
def test_no_door_shows_a_role_anything_foreign_and_foreign_records_answer_404(
    app, db, clients, username
):
    doors, unclassified = enumerate_doors(app)
    assert not unclassified
    client = clients[username]
    foreign = foreign_texts(db, username)
    opened_own = 0
    for door in doors:
        if door.model is None:
            url = door.url(app, db)
            response = _fetch(client, url)
            where = f"{username} GET {url}"
            assert response.status_code != 500, f"{where}: 500"
            check_body(response, foreign, where)
            check_counts(response, where)
            continue
        own, foreign_ids = _split_ids(db, username, door.model)
        own_status = None
        for row_id in own[:1]:
            response = check_record_door(app, db, client, username, door, row_id, None, foreign)
            own_status = own_status if own_status == 200 else response.status_code
            opened_own += response.status_code == 200
        for row_id in foreign_ids[:2]:
            response = check_record_door(app, db, client, username, door, row_id, None, foreign)
            where = f"{username} GET {door.url(app, db, row_id)}"
            expect_foreign_refused(response.status_code, own_status, where)
    # the walk is not empty: every role opens some of its own records
    assert opened_own > 0


def _record_doors(app):
    return [d for d in enumerate_doors(app)[0] if d.model is not None]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_role_any_door_any_record_shows_nothing_foreign(app, db, clients, data):
    doors = _record_doors(app)
    username = data.draw(st.sampled_from(ROLES), label="role")
    door = data.draw(st.sampled_from(doors), label="route")
    ids = _ids(db, door.model)
    if not ids:
        return
    row_id = data.draw(st.sampled_from(ids), label="record")
    client = clients[username]
    foreign = foreign_texts(db, username)
    own, _ = _split_ids(db, username, door.model)
    owner = _owners(db, door.model)[row_id]
    own_status = None
    if own:
        own_status = _fetch(client, door.url(app, db, own[0])).status_code
    response = check_record_door(app, db, client, username, door, row_id, own_status, foreign)
    if not may_see(username, owner):
        where = f"{username} GET {door.url(app, db, row_id)}"
        expect_foreign_refused(response.status_code, own_status, where)
