"""The access matrix: every role x every route (UI and /api/v1) x own and foreign records.

Expectations are written out from the small demo world's definition, not computed with the
filter under test: a leak shows up as a foreign row listed, shown, changed or created.
"""

import pytest
from sqlalchemy import select, update

from app.models import Estate, Form, Organisation, Package
from app.rules.enums import PackageStatus
from tests.conftest import login

ALL_ORGS = {900, 101, 751, 752, 461, 462, 851}

# organisation numbers whose packages each user may follow
PACKAGES = {
    "lbf": ALL_ORGS,
    "bo": {101},
    "boadm": {461, 462},  # administers 462
    "adm": {900, 751, 752},  # administration organisation administering 751 and 752
    "adm2": {900, 751},  # adm's colleague, granted 751 only of the two
    "nord": {851},
    "kbh": {101},  # home municipality of 101
    "roskilde": {101},  # location municipality of two of 101's estates
    "aarhus": {900, 751, 752},
}
ORGANISATIONS = PACKAGES
# (organisation number, estate number) pairs each user may see
ESTATES_101 = {(101, n) for n in (1, 2, 3, 4, 5, 6, 99)}
ESTATES = {
    "bo": ESTATES_101,
    "kbh": ESTATES_101,  # home municipality: all of the organisation's estates
    "roskilde": {(101, 5), (101, 6)},  # location municipality: only the estates there
    "aarhus": {(751, 1), (751, 2), (751, 3), (752, 1), (752, 2)},
}

UI_LISTS = {
    Package: "/packageview/list/",
    Organisation: "/organisationview/list/",
    Estate: "/estateview/list/",
    Form: "/formview/list/",
}
API = {Package: "package", Organisation: "organisation", Estate: "estate", Form: "form"}


def _org_number_of(db, model, row_id):
    if model is Organisation:
        return db.session.get(Organisation, row_id).number
    if model is Form:
        return db.session.get(Form, row_id).package.organisation.number
    return db.session.get(model, row_id).organisation.number


def _ids(db, model):
    return db.session.scalars(select(model.id)).all()


@pytest.fixture
def submitted_101(world, db):
    """101's package is submitted, so its content opens to its municipalities."""
    package_id = db.session.scalar(
        select(Package.id).join(Package.organisation).where(Organisation.number == 101)
    )
    db.session.execute(
        update(Package)
        .where(Package.id == package_id)
        .values(status=PackageStatus.SUBMITTED, submitted_at=Package.created_at)
    )
    db.session.commit()
    return package_id


@pytest.mark.parametrize("username", sorted(PACKAGES))
@pytest.mark.parametrize("model", [Package, Organisation])
def test_each_role_lists_shows_and_gets_exactly_its_own_rows(world, db, client, username, model):
    login(client, username)
    expected = (PACKAGES if model is Package else ORGANISATIONS)[username]
    ui = client.get(UI_LISTS[model] + "?psize_" + _list_name(model) + "=100")
    assert ui.status_code == 200
    api = client.get(f"/api/v1/{API[model]}/?q=(page_size:500)")
    assert api.status_code == 200
    listed = {_org_number_of(db, model, row_id) for row_id in api.json["ids"]}
    assert listed == expected
    for row_id in _ids(db, model):
        own = _org_number_of(db, model, row_id) in expected
        show = client.get(f"{UI_LISTS[model].replace('list', 'show')}{row_id}")
        get = client.get(f"/api/v1/{API[model]}/{row_id}")
        assert show.status_code == (200 if own else 404), (username, model.__name__, row_id)
        assert get.status_code == (200 if own else 404), (username, model.__name__, row_id)
        if not own:
            # nothing of a foreign row is printed in a list either
            name = db.session.get(Organisation, _org_id(db, model, row_id)).name
            assert name not in ui.get_data(as_text=True) or _shares_name(db, name, expected)


def _org_id(db, model, row_id):
    number = _org_number_of(db, model, row_id)
    return db.session.scalar(select(Organisation.id).where(Organisation.number == number))


def _shares_name(db, name, expected):
    numbers = db.session.scalars(select(Organisation.number).where(Organisation.name == name))
    return bool(set(numbers) & expected)


def _list_name(model):
    return {Package: "PackageView", Organisation: "OrganisationView"}.get(model, "")


@pytest.mark.parametrize("username", sorted(ESTATES))
def test_estates_are_limited_to_own_organisations_and_municipality(world, db, client, username):
    login(client, username)
    api = client.get("/api/v1/estate/?q=(page_size:500)")
    assert api.status_code == 200
    listed = set()
    for estate_id in api.json["ids"]:
        estate = db.session.get(Estate, estate_id)
        listed.add((estate.organisation.number, estate.number))
    assert listed == ESTATES[username]
    for estate_id in _ids(db, Estate):
        estate = db.session.get(Estate, estate_id)
        own = (estate.organisation.number, estate.number) in ESTATES[username]
        assert client.get(f"/estateview/show/{estate_id}").status_code == (200 if own else 404)
        assert client.get(f"/api/v1/estate/{estate_id}").status_code == (200 if own else 404)


@pytest.mark.parametrize("username", ["kbh", "roskilde", "aarhus"])
def test_municipality_sees_no_package_content_before_submission(world, db, client, username):
    login(client, username)
    assert client.get("/api/v1/form/?q=(page_size:500)").json["count"] == 0
    for form_id in _ids(db, Form):
        assert client.get(f"/formview/show/{form_id}").status_code == 404
        assert client.get(f"/api/v1/form/{form_id}").status_code == 404


def test_home_municipality_sees_every_form_of_a_submitted_package(submitted_101, db, client):
    login(client, "kbh")
    forms = client.get("/api/v1/form/?q=(page_size:500)").json
    kinds = sorted(
        (row["kind"], db.session.get(Estate, row["estate_id"]).number if row["estate_id"] else 0)
        for row in forms["result"]
    )
    assert kinds == [("ESTATE_FORM", n) for n in (1, 2, 3, 4, 5, 6, 99)] + [("HOUSING_REPORT", 0)]


def test_location_municipality_sees_only_the_report_and_its_own_estates_forms(
    submitted_101, db, client
):
    login(client, "roskilde")
    forms = client.get("/api/v1/form/?q=(page_size:500)").json["result"]
    seen = sorted(
        (row["kind"], db.session.get(Estate, row["estate_id"]).number if row["estate_id"] else 0)
        for row in forms
    )
    assert seen == [("ESTATE_FORM", 5), ("ESTATE_FORM", 6), ("HOUSING_REPORT", 0)]
    kbh_estate_form = db.session.scalar(
        select(Form.id).join(Estate).where(Estate.number == 1, Form.package_id == submitted_101)
    )
    assert client.get(f"/formview/show/{kbh_estate_form}").status_code == 404


@pytest.mark.parametrize("username", ["bo", "boadm", "adm", "adm2", "nord"])
def test_organisation_sees_the_forms_of_the_packages_it_acts_for(world, db, client, username):
    login(client, username)
    result = client.get("/api/v1/form/?q=(page_size:500)").json
    numbers = {db.session.get(Form, i).package.organisation.number for i in result["ids"]}
    assert numbers == PACKAGES[username]


def test_anonymous_user_reaches_no_list_and_no_api(world, db, client):
    for url in UI_LISTS.values():
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location
    for resource in API.values():
        assert client.get(f"/api/v1/{resource}/").status_code == 401


@pytest.mark.parametrize("username", ["bo", "adm", "kbh"])
def test_non_lbf_roles_cannot_create_or_delete_through_the_api(world, db, client, username):
    login(client, username)
    foreign_org = db.session.scalar(select(Organisation.id).where(Organisation.number == 851))
    municipality_id = db.session.get(Organisation, foreign_org).home_municipality_id
    before = db.session.scalar(select(Estate.id).order_by(Estate.id.desc()))
    response = client.post(
        "/api/v1/estate/",
        json={
            "organisation_id": foreign_org,
            "number": 500,
            "name": "Fremmed",
            "municipality_id": municipality_id,
            "state": "IN_OPERATION",
        },
    )
    assert response.status_code == 403
    assert db.session.scalar(select(Estate.id).order_by(Estate.id.desc())) == before
    for package_id in _ids(db, Package):
        assert client.delete(f"/api/v1/package/{package_id}").status_code in (403, 404, 405)
    assert len(_ids(db, Package)) == 7


def test_home_municipality_sets_the_deadline_of_its_own_packages_only(world, db, client):
    login(client, "kbh")
    own = db.session.scalar(
        select(Package.id).join(Package.organisation).where(Organisation.number == 101)
    )
    foreign = db.session.scalar(
        select(Package.id).join(Package.organisation).where(Organisation.number == 851)
    )
    response = client.post(f"/packageview/edit/{own}", data={"deadline": "2026-12-01"})
    assert response.status_code == 302
    assert (
        client.post(f"/packageview/edit/{foreign}", data={"deadline": "2026-12-01"}).status_code
        == 404
    )
    db.session.expire_all()
    assert str(db.session.get(Package, own).deadline) == "2026-12-01"
    assert db.session.get(Package, foreign).deadline is None


def test_location_municipality_may_not_set_the_deadline(world, db, client):
    login(client, "roskilde")
    package_id = db.session.scalar(
        select(Package.id).join(Package.organisation).where(Organisation.number == 101)
    )
    client.post(f"/packageview/edit/{package_id}", data={"deadline": "2026-12-01"})
    db.session.expire_all()
    assert db.session.get(Package, package_id).deadline is None


def test_organisation_may_not_move_an_estate_to_a_foreign_organisation_via_the_api(
    world, db, client
):
    """Even a user allowed to edit estates (LBF excepted) cannot move one out of scope; a
    housing organisation is not allowed to edit estates at all."""
    login(client, "bo")
    estate_id = db.session.scalar(
        select(Estate.id).join(Organisation).where(Organisation.number == 101)
    )
    foreign_org = db.session.scalar(select(Organisation.id).where(Organisation.number == 851))
    response = client.put(f"/api/v1/estate/{estate_id}", json={"organisation_id": foreign_org})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Estate, estate_id).organisation.number == 101


def _visible_form(db, username, form) -> bool:
    """Who may open a form page, written out from the design's access table."""
    number = form.package.organisation.number
    if username == "lbf":
        return True
    if username in ("bo", "boadm", "adm", "adm2", "nord"):
        return number in PACKAGES[username]
    if number != 101:  # only 101's package is submitted in this test
        return False
    if username == "kbh":
        return True
    if username == "roskilde":
        return form.estate is None or form.estate.number in (5, 6)
    return False


@pytest.mark.parametrize("username", sorted(PACKAGES))
def test_package_and_form_pages_follow_the_matrix(submitted_101, db, client, username):
    login(client, username)
    for package in db.session.scalars(select(Package)):
        own = package.organisation.number in PACKAGES[username]
        status = client.get(f"/package/{package.id}/").status_code
        assert status == (200 if own else 404), (username, package.organisation.number)
    for form in db.session.scalars(select(Form)):
        response = client.get(f"/form/{form.id}/", follow_redirects=True)
        expected = 200 if _visible_form(db, username, form) else 404
        assert response.status_code == expected, (username, form.id)


def test_packages_are_not_created_or_deleted_through_the_api_even_by_lbf(world, db, client):
    login(client, "lbf")
    package_id = db.session.scalar(select(Package.id).limit(1))
    assert client.delete(f"/api/v1/package/{package_id}").status_code == 405
    assert client.post("/api/v1/package/", json={"year": 2030}).status_code == 405
    assert db.session.get(Package, package_id) is not None


def test_deadline_change_is_audited_and_updates_the_latest_change(world, db, client):
    from app.models import AuditEntry

    login(client, "kbh")
    package = db.session.scalar(
        select(Package).join(Package.organisation).where(Organisation.number == 101)
    )
    before = package.changed_at
    response = client.put(f"/api/v1/package/{package.id}", json={"deadline": "2026-12-01"})
    assert response.status_code == 200, response.json
    db.session.expire_all()
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.field == "deadline", AuditEntry.package_id == package.id
        )
    )
    assert (entry.old_value, entry.new_value) == (None, "2026-12-01")
    assert db.session.get(Package, package.id).changed_at > before


def test_implausible_deadline_is_refused_with_a_danish_message(world, db, client):
    login(client, "kbh")
    package_id = db.session.scalar(
        select(Package.id).join(Package.organisation).where(Organisation.number == 101)
    )
    response = client.put(f"/api/v1/package/{package_id}", json={"deadline": "0001-01-01"})
    assert response.status_code == 422
    assert "Fristen skal ligge mellem" in response.json["message"]
    page = client.post(
        f"/packageview/edit/{package_id}", data={"deadline": "1999-01-01"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Fristen skal ligge mellem 01-01-2025 og 31-12-2027" in page
    db.session.expire_all()
    assert db.session.get(Package, package_id).deadline is None


@pytest.mark.parametrize("username", ["bo", "kbh", "lbf"])
def test_api_token_holder_sees_exactly_the_rows_of_the_session_user(world, db, client, username):
    """A JWT from the API login acts as its user: the same row-level filter applies."""
    token = client.post(
        "/api/v1/security/login",
        json={"username": username, "password": "demo", "provider": "db"},
    ).json["access_token"]
    response = client.get(
        "/api/v1/package/?q=(page_size:500)", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    listed = {_org_number_of(db, Package, row_id) for row_id in response.json["ids"]}
    assert listed == PACKAGES[username]
