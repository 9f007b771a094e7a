"""Each role lands on its own overview (user guide 5.1, 6.1, 7)."""

from tests.conftest import login


def test_public_front_page_is_the_about_page(client, world):
    response = client.get("/", follow_redirects=True)
    assert response.status_code == 200
    assert "Om almen styringsdialog" in response.get_data(as_text=True)


def test_housing_organisation_lands_on_its_status_and_package_list(client, world):
    login(client, "bo")
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Boligselskabet Hovedstaden" in page
    assert "Dokumentationspakke 2026" in page and "Klar til udarbejdelse" in page
    assert "Ingen frist" in page


def test_administering_organisation_also_sees_the_administered_packages(client, world):
    login(client, "boadm")
    page = client.get("/overview/").get_data(as_text=True)
    assert "Administrerede boligorganisationer" in page
    assert "Boligforeningen Lillebo" in page
    assert "Nordjysk" not in page


def test_administration_organisation_sees_its_administered_organisations(client, world):
    login(client, "adm")
    page = client.get("/overview/").get_data(as_text=True)
    assert "Aarhus Almene Boliger" in page and "Jysk Boligforening" in page
    assert "Hovedstaden" not in page


def test_municipality_overview_lists_exactly_its_packages(client, world):
    login(client, "roskilde")
    page = client.get("/overview/").get_data(as_text=True)
    assert "Boligselskabet Hovedstaden" in page
    for other in ("Aarhus Almene", "Fyns", "Nordjysk", "Lillebo"):
        assert other not in page
