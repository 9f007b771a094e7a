"""Bad input gets a clear Danish answer, never a server error."""

import pytest
from sqlalchemy import select

from app.models import Estate, Form, Organisation, Package
from tests.conftest import login

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/packageview/show/{HUGE}",
        f"/package/{HUGE}/",
        f"/form/{HUGE}/",
        f"/form/{HUGE}/conclusion",
        "/form/1/ingen_sektion",
        "/ingen/side",
    ],
)
def test_unknown_or_impossible_ids_answer_a_danish_404_page(client, world, url):
    login(client, "bo")
    response = client.get(url)
    assert response.status_code == 404
    assert "Siden findes ikke" in response.get_data(as_text=True)


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_api_answers_404_for_an_impossible_id(client, world, method):
    login(client, "lbf")
    kwargs = {"json": {"deadline": "2026-12-01"}} if method == "put" else {}
    response = getattr(client, method)(f"/api/v1/package/{HUGE}", **kwargs)
    assert response.status_code in (404, 405)


def test_api_filter_with_an_impossible_value_is_a_400(client, world):
    login(client, "lbf")
    response = client.get(f"/api/v1/package/?q=(filters:!((col:year,opr:eq,value:{HUGE})))")
    assert response.status_code == 400


def test_autosave_with_deeply_nested_json_is_a_400(client, world, db):
    login(client, "bo")
    form_id = db.session.scalar(
        select(Form.id).join(Package).join(Package.organisation).where(Organisation.number == 101)
    )
    response = client.post(
        f"/form/{form_id}/answers", data="[" * 100_000, content_type="application/json"
    )
    assert response.status_code == 400
    assert "forstås" in response.json["message"]


def test_last_year_with_garbled_estate_ids_is_a_danish_400(client, world, db):
    login(client, "bo")
    package_id = db.session.scalar(
        select(Package.id).join(Package.organisation).where(Organisation.number == 101)
    )
    response = client.post(
        f"/package/{package_id}/last-year", data={"scope": "selected", "estates": "abc"}
    )
    assert response.status_code == 400
    assert "kunne ikke forstås" in response.get_data(as_text=True)


def test_estate_with_negative_dwellings_is_refused_through_the_api(client, world, db):
    login(client, "lbf")
    org = db.session.scalar(select(Organisation).where(Organisation.number == 851))
    response = client.post(
        "/api/v1/estate/",
        json={
            "organisation_id": org.id,
            "number": 77,
            "name": "Minus",
            "municipality_id": org.home_municipality_id,
            "state": "IN_OPERATION",
            "family_dwellings": -1,
        },
    )
    assert response.status_code == 422


def test_a_list_page_never_holds_more_than_the_maximum_rows(client, world):
    from app.views.base import MAX_PAGE_SIZE

    login(client, "lbf")
    page = client.get("/estateview/list/?psize_EstateView=100000000").get_data(as_text=True)
    assert page.count("/estateview/show/") <= MAX_PAGE_SIZE
    assert "/estateview/show/" in page


# --- text the database cannot store, unreadable API input, odd list arguments ---------------


def _form_id(db, kind):
    from app.rules.enums import FormKind

    return db.session.scalar(
        select(Form.id)
        .join(Package)
        .join(Package.organisation)
        .where(Organisation.number == 101, Form.kind == FormKind[kind])
    )


def _answers(db, form_id):
    from app.models import Answer

    db.session.rollback()
    return db.session.scalars(select(Answer).where(Answer.form_id == form_id)).all()


@pytest.mark.parametrize(
    ("kind", "key", "value", "request_id"),
    [
        ("HOUSING_REPORT", "q1_proposals_text", "a\ud800b", "r1"),
        ("HOUSING_REPORT", "q1_proposals_text", "ab", "a\ud800b"),
        ("HOUSING_REPORT", "q1_proposals_text", "a\x00b", "r2"),
        ("HOUSING_REPORT", "q1_proposals_text", "ab", "a\x00b"),
        ("ESTATE_FORM", "a_items", ["ok", "a\x00b"], "r3"),
        ("ESTATE_FORM", "a_items", ["a\udfffb"], "r4"),
    ],
)
def test_autosave_refuses_unstorable_characters_and_stores_nothing(
    client, world, db, kind, key, value, request_id
):
    import json

    login(client, "bo")
    form_id = _form_id(db, kind)
    body = json.dumps({"key": key, "value": value, "version": 0, "request_id": request_id})
    response = client.post(f"/form/{form_id}/answers", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "tegn, der ikke kan gemmes" in response.json["message"]
    assert _answers(db, form_id) == []


def test_a_form_post_with_a_nul_byte_is_refused_and_nothing_stored(client, world, db):
    login(client, "lbf")
    response = client.post(
        "/organisationview/add",
        data={"number": "4321", "name": "Nul\x00Bolig", "kind": "HOUSING"},
    )
    assert response.status_code == 400
    assert "tegn, der ikke kan gemmes" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(Organisation).where(Organisation.number == 4321)) is None


def test_an_api_body_with_a_lone_surrogate_is_refused(client, world, db):
    login(client, "lbf")
    estate = db.session.scalar(select(Estate).order_by(Estate.id))
    name = estate.name
    response = client.put(
        f"/api/v1/estate/{estate.id}",
        data='{"name": "a\\ud800b"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "tegn, der ikke kan gemmes" in response.json["message"]
    db.session.rollback()
    assert db.session.get(Estate, estate.id).name == name


@pytest.mark.parametrize("resource", ["package", "estate", "organisation"])
@pytest.mark.parametrize("body", ["null", "[]", '"x"', "17"])
def test_api_put_with_a_body_that_is_not_an_object_is_a_danish_400(
    client, world, db, resource, body
):
    login(client, "lbf")
    response = client.put(f"/api/v1/{resource}/1", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "JSON-objekt" in response.json["message"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/package/?q=(((",
        "/api/v1/package/?q=(a:",
        "/api/v1/package/1?q=5.157926237156723e%2B16",
        "/api/v1/package/?q=!(1,2)",
        "/api/v1/package/_info?q=(((",
        "/api/v1/estate/?q=5",
    ],
)
def test_api_q_that_is_not_a_rison_object_is_a_danish_400(client, world, url):
    login(client, "lbf")
    response = client.get(url)
    assert response.status_code == 400
    assert response.json["message"] == "Argumentet q kunne ikke forstås."


def test_api_q_as_json_still_works(client, world):
    login(client, "lbf")
    response = client.get('/api/v1/package/?q={"page_size":1}')
    assert response.status_code == 200
    assert len(response.json["result"]) == 1


def test_api_messages_are_danish(client, world, db):
    login(client, "lbf")
    unknown = client.put("/api/v1/package/1", json={"foo": 1})
    assert unknown.status_code == 422
    assert unknown.json["message"] == {"foo": ["Ukendt felt."]}
    bad_date = client.put("/api/v1/package/1", json={"deadline": "abc"})
    assert bad_date.json["message"] == {"deadline": ["Ikke en gyldig dato."]}
    assert client.get("/api/v1/package/2147483647").json["message"] == (
        "Findes ikke, eller du har ikke adgang til det."
    )
    client.get("/logout/")
    login(client, "bo")
    forbidden = client.put("/api/v1/package/1", json={"deadline": "2026-12-01"})
    assert forbidden.status_code in (403, 404)
    assert forbidden.json["message"] in (
        "Du har ikke adgang til dette.",
        "Findes ikke, eller du har ikke adgang til det.",
    )


@pytest.mark.parametrize(
    "url",
    [
        "/packageview/list/?_oc_PackageView=password&_od_PackageView=asc",
        "/packageview/list/?_oc_NoSuchView=year&_od_NoSuchView=asc",
        "/users/list/?_oc_AppUserDBModelView=affiliation&_od_AppUserDBModelView=asc",
        "/users/list/?_oc_AppUserDBModelView=roles&_od_AppUserDBModelView=desc",
        "/packageview/list/?page_PackageView=abc",
        "/packageview/list/?page_PackageView=-1",
        f"/packageview/list/?page_PackageView={HUGE}",
        "/estateview/list/?psize_EstateView=x",
    ],
)
def test_a_list_with_an_unknown_sort_column_or_page_is_a_danish_400(client, world, url):
    login(client, "lbf")
    response = client.get(url)
    assert response.status_code == 400
    assert "Siden findes ikke" not in response.get_data(as_text=True)


def test_a_list_sorted_by_a_known_column_still_works(client, world):
    login(client, "lbf")
    response = client.get("/packageview/list/?_oc_PackageView=deadline&_od_PackageView=desc")
    assert response.status_code == 200
    users = client.get("/users/list/?_oc_AppUserDBModelView=username&_od_AppUserDBModelView=asc")
    assert users.status_code == 200


@pytest.mark.parametrize("user", ["bo", "lbf"])
def test_an_unknown_list_action_is_a_danish_400(client, world, user):
    login(client, user)
    response = client.post("/packageview/action_post", data={"action": "nope", "rowid": "1"})
    assert response.status_code == 400
    assert "Handlingen findes ikke" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/userstatschartview/chart/1", "/users/download/x"])
def test_unneeded_user_views_are_gone(client, world, url):
    login(client, "lbf")
    assert client.get(url).status_code == 404


def _fill(rule, value):
    from werkzeug.routing.converters import IntegerConverter

    args = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        args[name] = value if isinstance(converter, IntegerConverter) else str(value)
    return args


ODD_ARGS = [
    "",
    "?q=(((",
    "?_oc_{v}=password&_od_{v}=asc",
    "?_oc_{v}=id&_od_{v}=sideways",
    "?page_{v}=-5&psize_{v}=0",
    "?page_{v}=999999",
    "?_flt_0_{v}=%00",
]


def test_no_get_route_answers_500_to_lbf_with_odd_arguments(app, client, world):
    """Every GET rule of the url map (a new view is covered without editing this test)."""
    login(client, "lbf")
    views = {view.endpoint: view.__class__.__name__ for view in app.appbuilder.baseviews}
    failures = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "appbuilder.static"):
            continue
        if rule.rule.startswith(("/logout", "/lang/")):
            continue
        view_name = views.get(rule.endpoint.split(".")[0], "X")
        for value in (1, 2):
            path = app.url_map.bind("localhost").build(rule.endpoint, _fill(rule, value))
            for odd in ODD_ARGS:
                url = path + odd.format(v=view_name)
                try:
                    status = client.get(url).status_code
                except Exception as error:  # a 500 is raised in testing mode
                    status = f"500 {type(error).__name__}: {error}"[:200]
                    from app.extensions import db

                    db.session.rollback()
                if str(status).startswith("5"):
                    failures.append(f"{url} -> {status}")
    assert failures == [], "\n".join(failures)


# --- plausible bounds of master data numbers -------------------------------------------------


def _estate_101(db):
    return db.session.scalar(
        select(Estate).join(Organisation).where(Organisation.number == 101).order_by(Estate.id)
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("family_dwellings", -1, "Antal familieboliger skal være et helt tal fra 0 til 10000."),
        ("family_dwellings", 10_001, "Antal familieboliger skal være et helt tal fra 0 til 10000."),
        ("elderly_dwellings", 99_999_999, "Antal ældreboliger skal være et helt tal fra 0 til"),
        ("youth_dwellings", -5, "Antal ungdomsboliger skal være et helt tal fra 0 til 10000."),
        ("area_m2", 2_000_001, "Arealet skal være et helt tal fra 0 til 2000000 m²."),
        ("built_year", 99_999, "Opførelsesåret skal ligge fra 1600 til"),
        ("built_year", 1599, "Opførelsesåret skal ligge fra 1600 til"),
        ("number", 10_000, "Afdelingsnummeret skal være et helt tal fra 1 til 9999."),
        ("number", 0, "Afdelingsnummeret skal være et helt tal fra 1 til 9999."),
    ],
)
def test_estate_numbers_out_of_bounds_are_refused_on_the_screen_with_their_own_message(
    client, world, db, field, value, message
):
    login(client, "lbf")
    estate = _estate_101(db)
    before = {c: getattr(estate, c) for c in (field, "name")}
    data = {
        "organisation": str(estate.organisation_id),
        "number": str(estate.number),
        "name": estate.name,
        "address": estate.address or "",
        "municipality": str(estate.municipality_id),
        "state": estate.state.value,
        "built_year": str(estate.built_year or ""),
        "family_dwellings": str(estate.family_dwellings),
        "elderly_dwellings": str(estate.elderly_dwellings),
        "youth_dwellings": str(estate.youth_dwellings),
        "area_m2": str(estate.area_m2),
    } | {field: str(value)}
    page = client.post(f"/estateview/edit/{estate.id}", data=data).get_data(as_text=True)
    assert message in page
    assert "Databasefejl" not in page
    db.session.expire_all()
    assert getattr(db.session.get(Estate, estate.id), field) == before[field]


def test_a_plausible_estate_edit_is_still_saved(client, world, db):
    login(client, "lbf")
    estate = _estate_101(db)
    data = {
        "organisation": str(estate.organisation_id),
        "number": str(estate.number),
        "name": estate.name,
        "municipality": str(estate.municipality_id),
        "state": estate.state.value,
        "built_year": "1600",
        "family_dwellings": "10000",
        "elderly_dwellings": "0",
        "youth_dwellings": "0",
        "area_m2": "2000000",
    }
    assert client.post(f"/estateview/edit/{estate.id}", data=data).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Estate, estate.id)
    assert (saved.built_year, saved.family_dwellings, saved.area_m2) == (1600, 10_000, 2_000_000)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"family_dwellings": -1}, "family_dwellings", "fra 0 til 10000"),
        ({"area_m2": 10**12}, "area_m2", "fra 0 til 2000000 m²"),
        ({"number": 10**20}, "number", "fra 1 til 9999"),
        ({"youth_dwellings": 10_001}, "youth_dwellings", "fra 0 til 10000"),
    ],
)
def test_estate_numbers_out_of_bounds_are_refused_by_the_api_with_their_own_message(
    client, world, db, body, field, message
):
    login(client, "lbf")
    estate = _estate_101(db)
    before = getattr(estate, field)
    response = client.put(f"/api/v1/estate/{estate.id}", json=body)
    assert response.status_code == 422
    assert message in response.json["message"][field][0]
    db.session.expire_all()
    assert getattr(db.session.get(Estate, estate.id), field) == before


@pytest.mark.parametrize("number", ["100000000000000000000", "0", "-3", "10000"])
def test_organisation_number_out_of_bounds_is_refused_not_a_404(client, world, db, number):
    login(client, "lbf")
    municipality = db.session.scalar(select(Organisation.home_municipality_id).limit(1))
    response = client.post(
        "/organisationview/add",
        data={
            "number": number,
            "name": "Grænsebolig",
            "kind": "HOUSING",
            "home_municipality": str(municipality),
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Organisationsnummeret skal være et helt tal fra 1 til 9999." in page
    db.session.rollback()
    assert db.session.scalar(select(Organisation).where(Organisation.name == "Grænsebolig")) is None
    api = client.post(
        "/api/v1/organisation/",
        json={
            "number": int(number),
            "name": "Grænsebolig",
            "kind": "HOUSING",
            "home_municipality_id": municipality,
        },
    )
    assert api.status_code == 422
    assert "fra 1 til 9999" in api.json["message"]["number"][0]


# --- request size --------------------------------------------------------------------------


def test_a_20_mb_form_post_is_refused_with_a_danish_413(client, world):
    login(client, "lbf")
    response = client.post("/organisationview/add", data={"name": "x" * (26 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Forespørgslen er for stor." in response.get_data(as_text=True)


def test_a_2_mb_autosave_is_refused_with_a_danish_413_and_nothing_stored(client, world, db):
    login(client, "bo")
    form_id = _form_id(db, "HOUSING_REPORT")
    response = client.post(
        f"/form/{form_id}/answers",
        json={"key": "q1_proposals_text", "value": "x" * (2 * 1024 * 1024), "version": 0},
    )
    assert response.status_code == 413
    assert response.json["message"] == "Forespørgslen er for stor."
    assert _answers(db, form_id) == []


def test_a_20_mb_api_body_is_refused_with_a_danish_413(client, world):
    login(client, "lbf")
    response = client.put("/api/v1/estate/1", json={"name": "x" * (20 * 1024 * 1024)})
    assert response.status_code == 413
    assert response.json["message"] == "Forespørgslen er for stor."


# --- deadlines typed as Danes write them -----------------------------------------------------


def _package_101(db):
    return db.session.scalar(
        select(Package).join(Package.organisation).where(Organisation.number == 101)
    )


@pytest.mark.parametrize("typed", ["15-12-2026", "15.12.2026", "2026-12-15", " 15-12-2026 "])
def test_a_typed_danish_or_iso_deadline_is_understood(client, world, db, typed):
    login(client, "kbh")
    package_id = _package_101(db).id
    response = client.post(f"/packageview/edit/{package_id}", data={"deadline": typed})
    assert response.status_code == 302
    db.session.expire_all()
    assert str(db.session.get(Package, package_id).deadline) == "2026-12-15"


@pytest.mark.parametrize("typed", ["abc", "32-12-2026", "12/15/2026", "15-12-26x"])
def test_a_deadline_that_is_not_a_date_is_refused_and_nothing_saved(client, world, db, typed):
    login(client, "kbh")
    package_id = _package_101(db).id
    response = client.post(f"/packageview/edit/{package_id}", data={"deadline": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ikke en gyldig dato. Skriv den som dd-mm-åååå" in page
    assert "Posten er ændret" not in page
    db.session.expire_all()
    assert db.session.get(Package, package_id).deadline is None


def test_the_deadline_field_shows_and_picks_danish_dates(client, world, db):
    import datetime as dt

    login(client, "kbh")
    package = _package_101(db)
    package.deadline = dt.date(2026, 12, 15)
    db.session.commit()
    page = client.get(f"/packageview/edit/{package.id}").get_data(as_text=True)
    # DKFDS's date picker keeps the date as yyyy-mm-dd and shows it as dd-mm-åååå
    assert 'data-default-value="2026-12-15"' in page
    assert 'data-dateformat="DD-MM-YYYY"' in page
    assert "vendor/dkfds/js/dkfds.min.js" in page


def _submit(db, package):
    import datetime as dt

    from app.rules.enums import PackageStatus

    package.status = PackageStatus.SUBMITTED
    package.submitted_at = dt.datetime(2026, 10, 30, 9, 0)
    db.session.commit()


def test_the_deadline_of_a_submitted_package_no_longer_changes(client, world, db):
    import datetime as dt

    login(client, "kbh")
    package = _package_101(db)
    package.deadline = dt.date(2026, 11, 1)
    _submit(db, package)
    package_id = package.id
    page = client.post(
        f"/packageview/edit/{package_id}", data={"deadline": "15-12-2026"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "fristen kan ikke længere ændres" in page
    api = client.put(f"/api/v1/package/{package_id}", json={"deadline": "2026-12-15"})
    assert api.status_code == 422
    assert "fristen kan ikke længere ændres" in api.json["message"]
    db.session.expire_all()
    assert db.session.get(Package, package_id).deadline == dt.date(2026, 11, 1)


# --- times: stored in UTC, shown in Copenhagen time ------------------------------------------


@pytest.mark.parametrize(
    ("utc", "shown"),
    [((2026, 6, 1, 10, 0), "01-06-2026 12:00"), ((2026, 12, 1, 10, 0), "01-12-2026 11:00")],
)
def test_times_are_shown_in_copenhagen_time_everywhere(client, world, db, utc, shown):
    import datetime as dt

    from app.models import Answer, AuditEntry

    login(client, "bo")
    package = _package_101(db)
    form_id = _form_id(db, "HOUSING_REPORT")
    assert (
        client.post(
            f"/form/{form_id}/answers",
            json={"key": "q1_proposals_text", "value": "x", "version": 0},
        ).status_code
        == 200
    )
    at = dt.datetime(*utc)
    package.changed_at = at
    db.session.execute(Answer.__table__.update().values(changed_at=at))
    db.session.execute(AuditEntry.__table__.update().values(at=at))
    db.session.commit()
    clock = shown[-5:]
    utc_clock = f"{utc[3]:02d}:{utc[4]:02d}"
    package_page = client.get(f"/package/{package.id}/").get_data(as_text=True)
    assert shown in package_page and f"{shown[:10]} {utc_clock}" not in package_page
    show_page = client.get(f"/packageview/show/{package.id}").get_data(as_text=True)
    assert shown in show_page and f"{shown[:10]} {utc_clock}" not in show_page
    listing = client.get("/packageview/list/").get_data(as_text=True)
    assert shown in listing
    form_page = client.get(f"/form/{form_id}/", follow_redirects=True).get_data(as_text=True)
    assert f"Gemt {clock}" in form_page
    client.get("/logout/")
    login(client, "lbf")
    log = client.get("/auditentryview/list/").get_data(as_text=True)
    assert shown in log and f"{shown[:10]} {utc_clock}" not in log


@pytest.mark.parametrize("resource", ["package", "estate", "organisation"])
def test_api_info_describes_fields_without_the_catalogue_header(client, world, resource):
    login(client, "lbf")
    body = client.get(f"/api/v1/{resource}/_info").get_data(as_text=True)
    assert "Project-Id-Version" not in body and "Content-Type: text/plain" not in body
