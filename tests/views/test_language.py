"""Danish is the default for every screen; English is switchable."""

from tests.conftest import login


def test_screens_are_danish_by_default(client, world):
    login(client, "kbh")
    page = client.get("/packageview/list/").get_data(as_text=True)
    assert "Dokumentationspakker" in page
    assert "Klar til udarbejdelse" in page
    assert "Søg" in page and "Log ud" in page
    assert "Record Count" not in page and "Logout" not in page


def test_login_page_is_danish(client, world):
    page = client.get("/login/").get_data(as_text=True)
    assert "Brugernavn" in page and "Adgangskode" in page


def test_user_can_switch_to_english(client, world):
    login(client, "kbh")
    client.get("/lang/en")
    page = client.get("/packageview/list/").get_data(as_text=True)
    assert "Documentation packages" in page
    assert "Ready" in page
    assert "Logout" in page


def test_invalid_login_message_is_danish(client, world):
    response = client.post(
        "/login/", data={"username": "kbh", "password": "forkert"}, follow_redirects=True
    )
    assert "Forkert brugernavn eller adgangskode" in response.get_data(as_text=True)


def test_form_validation_messages_are_danish(client, world, db):
    from sqlalchemy import select

    from app.models import Organisation, Package

    login(client, "kbh")
    package_id = db.session.scalar(
        select(Package.id).join(Package.organisation).where(Organisation.number == 101)
    )
    page = client.post(f"/packageview/edit/{package_id}", data={"deadline": "31-02-2026"}).get_data(
        as_text=True
    )
    assert "Ikke en gyldig dato" in page
    assert "Not a valid date value" not in page
