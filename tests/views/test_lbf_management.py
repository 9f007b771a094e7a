"""LBF staff manage master data, users and packages through the generated screens."""

import re

import pytest
from sqlalchemy import func, select

from app.models import AppUser, Estate, Municipality, Organisation, Package
from tests.conftest import login

SCREENS = [
    "/regionview/list/",
    "/municipalityview/list/",
    "/organisationview/list/",
    "/estateview/list/",
    "/packageview/list/",
    "/users/list/",
    "/auditentryview/list/",
    "/years/",
    "/years/2026/master-data",
]


@pytest.mark.parametrize("url", SCREENS)
def test_lbf_opens_every_management_screen(client, world, url):
    login(client, "lbf")
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url", ["/users/list/", "/years/", "/regionview/add", "/organisationview/add"]
)
@pytest.mark.parametrize("username", ["bo", "adm", "kbh"])
def test_other_roles_cannot_open_lbf_screens(client, world, url, username):
    login(client, username)
    response = client.get(url)
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert "/login" in response.location or response.location.endswith("/")


def test_lbf_searches_organisations_by_name(client, world):
    login(client, "lbf")
    page = client.get("/organisationview/list/?_flt_2_name=Fyn").get_data(as_text=True)
    cells = re.findall(r"<td>\s*([^<]*?)\s*</td>", page)
    assert "Fyns Almennyttige Boligselskab" in cells
    assert "Nordjysk Boligselskab" not in cells


def test_organisation_show_page_relates_its_estates_and_packages(client, world, db):
    login(client, "lbf")
    org_id = db.session.scalar(select(Organisation.id).where(Organisation.number == 101))
    page = client.get(f"/organisationview/show/{org_id}").get_data(as_text=True)
    assert "Afdelinger" in page and "Dokumentationspakker" in page
    assert "Havneholmen" in page


def test_lbf_adds_an_estate_and_refuses_a_duplicate_number(client, world, db):
    login(client, "lbf")
    org = db.session.scalar(select(Organisation).where(Organisation.number == 851))
    municipality = db.session.scalar(select(Municipality).where(Municipality.code == 851))
    form = {
        "organisation": org.id,
        "number": 50,
        "name": "Nyhavn",
        "municipality": municipality.id,
        "state": "IN_OPERATION",
        "family_dwellings": 10,
        "elderly_dwellings": 0,
        "youth_dwellings": 0,
        "area_m2": 800,
    }
    assert client.post("/estateview/add", data=form).status_code == 302
    assert db.session.scalar(select(Estate).where(Estate.name == "Nyhavn")) is not None
    before = db.session.scalar(select(func.count(Estate.id)))
    client.post("/estateview/add", data=form | {"name": "Dublet"})
    db.session.rollback()
    assert db.session.scalar(select(func.count(Estate.id))) == before


def test_lbf_creates_a_municipality_user(client, world, db):
    login(client, "lbf")
    role = client.application.appbuilder.sm.find_role("Kommune")
    odense = db.session.scalar(select(Municipality).where(Municipality.code == 461))
    response = client.post(
        "/users/add",
        data={
            "first_name": "Ole",
            "last_name": "Odense",
            "username": "odense",
            "email": "odense@example.dk",
            "active": "y",
            "roles": [role.id],
            "municipality": odense.id,
            "password": "hemmeligt-1",
            "conf_password": "hemmeligt-1",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(AppUser).where(AppUser.username == "odense"))
    assert user.municipality_id == odense.id


def test_user_whose_role_does_not_match_the_affiliation_is_refused(client, world, db):
    login(client, "lbf")
    role = client.application.appbuilder.sm.find_role("LBF")
    org = db.session.scalar(select(Organisation).where(Organisation.number == 851))
    response = client.post(
        "/users/add",
        data={
            "first_name": "Forkert",
            "last_name": "Rolle",
            "username": "forkert",
            "email": "forkert@example.dk",
            "active": "y",
            "roles": [role.id],
            "organisation": org.id,
            "password": "hemmeligt-1",
            "conf_password": "hemmeligt-1",
        },
        follow_redirects=True,
    )
    assert "Rollen passer ikke til organisationens type" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(AppUser).where(AppUser.username == "forkert")) is None


def test_open_year_button_opens_the_year_once(client, world, db):
    login(client, "lbf")
    first = client.post("/years/open", data={"year": "2027"}, follow_redirects=True)
    assert "Styringsdialogår 2027 er åbnet" in first.get_data(as_text=True)
    again = client.post("/years/open", data={"year": "2027"}, follow_redirects=True)
    assert "allerede åbnet" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Package.id)).where(Package.year == 2027)) == 7


def test_open_year_button_rejects_a_bad_year_with_a_danish_message(client, world, db):
    login(client, "lbf")
    response = client.post("/years/open", data={"year": "tyve"}, follow_redirects=True)
    assert "Angiv et gyldigt styringsdialogår" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Package.id)).where(Package.year != 2026)) == 0


def test_organisation_reads_the_log_of_its_own_packages_only(client, world, db):
    from app.models import AuditEntry

    login(client, "bo")
    page = client.get("/auditentryview/list/?psize_AuditEntryView=100").get_data(as_text=True)
    own = db.session.scalar(
        select(Package.id).join(Package.organisation).where(Organisation.number == 101)
    )
    entries = db.session.scalars(select(AuditEntry)).all()
    # the demo world's log: the opening of each package, and the register imports (no package)
    assert {e.package_id for e in entries} - {own}
    shown = [e for e in entries if f'/auditentryview/show/{e.id}"' in page]
    assert [e.id for e in shown] == [e.id for e in entries if e.package_id == own]
    assert shown


def test_lbf_deactivates_an_organisation_by_unticking_active(client, world, db):
    login(client, "lbf")
    org = db.session.scalar(select(Organisation).where(Organisation.number == 851))
    response = client.post(
        f"/organisationview/edit/{org.id}",
        data={
            "number": 851,
            "name": org.name,
            "kind": "HOUSING",
            "home_municipality": org.home_municipality_id,
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).active is False


def test_master_data_screens_show_danish_values_not_codes(client, world, db):
    login(client, "lbf")
    org = db.session.scalar(select(Organisation).where(Organisation.number == 101))
    page = client.get(f"/organisationview/show/{org.id}").get_data(as_text=True)
    assert "Boligorganisation" in page and "HOUSING" not in page
    assert ">None<" not in page and ">True<" not in page
    form = client.get(f"/organisationview/edit/{org.id}").get_data(as_text=True)
    assert ">Administrationsorganisation</option>" in form
    profile = client.get("/users/userinfo/").get_data(as_text=True)
    assert "Brugernavn" in profile and "Username" not in profile


def _move_estate_on_the_screen(client, db, organisation: int, number: int, code: int) -> Estate:
    estate = db.session.scalar(
        select(Estate)
        .join(Organisation, Organisation.id == Estate.organisation_id)
        .where(Organisation.number == organisation, Estate.number == number)
    )
    data = {
        "organisation": str(estate.organisation_id),
        "number": str(estate.number),
        "name": estate.name,
        "address": estate.address or "",
        "municipality": str(
            db.session.scalar(select(Municipality.id).where(Municipality.code == code))
        ),
        "state": estate.state.value,
        "built_year": str(estate.built_year or ""),
        "family_dwellings": str(estate.family_dwellings),
        "elderly_dwellings": str(estate.elderly_dwellings),
        "youth_dwellings": str(estate.youth_dwellings),
        "area_m2": str(estate.area_m2),
    }
    assert client.post(f"/estateview/edit/{estate.id}", data=data).status_code == 302
    return estate


def test_an_estate_moved_on_the_screen_reaches_the_opened_year_when_lbf_applies_it(
    client, world, db
):
    from app.models import Form

    login(client, "lbf")
    # the estate's edit screen says the change waits for the opened year
    estate_id = db.session.scalar(select(Estate.id))
    edit = client.get(f"/estateview/edit/{estate_id}").get_data(as_text=True)
    assert "Et åbnet år får den først, når den anvendes" in edit
    estate = _move_estate_on_the_screen(client, db, 101, 5, 751)
    package_id = db.session.scalar(
        select(Package.id).join(Package.organisation).where(Organisation.number == 101)
    )
    page = client.get("/years/2026/master-data").get_data(as_text=True)
    assert "101 Boligselskabet Hovedstaden" in page
    assert "Afdelingens kommune" in page and "Roskilde" in page and "Aarhus" in page
    assert f'name="package" value="{package_id}"' in page

    done = client.post(
        "/years/2026/master-data", data={"package": str(package_id)}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Stamdata er anvendt på 1 dokumentationspakker for 2026." in done
    assert 'id="no-differences"' in done
    form_municipality = db.session.scalar(
        select(Municipality.code)
        .join(Form, Form.municipality_id == Municipality.id)
        .where(Form.estate_id == estate.id, Form.package_id == package_id)
    )
    assert form_municipality == 751


def test_applying_master_data_without_a_chosen_package_changes_nothing(client, world, db):
    login(client, "lbf")
    _move_estate_on_the_screen(client, db, 101, 5, 751)
    page = client.post("/years/2026/master-data", data={}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Vælg de pakker, ændringerne skal gælde for." in page
    assert "101 Boligselskabet Hovedstaden" in page


@pytest.mark.parametrize("username", ["bo", "adm", "kbh", "roskilde"])
def test_other_roles_neither_see_nor_apply_master_data_changes(client, world, db, username):
    from app.models import Form

    login(client, "lbf")
    estate = _move_estate_on_the_screen(client, db, 101, 5, 751)
    client.get("/logout/")
    login(client, username)
    assert client.get("/years/2026/master-data").status_code in (302, 403, 404)
    package_id = db.session.scalar(
        select(Package.id).join(Package.organisation).where(Organisation.number == 101)
    )
    client.post("/years/2026/master-data", data={"package": str(package_id)})
    codes = db.session.scalars(
        select(Municipality.code)
        .join(Form, Form.municipality_id == Municipality.id)
        .where(Form.estate_id == estate.id)
    ).all()
    assert codes == [265]
