"""The autosave endpoint: conflicts, retries, bad input, locks, sessions and CSRF."""

import os
import re

import pytest
from sqlalchemy import select, update

from app.models import Answer, Estate, Form, Organisation, Package
from app.rules.enums import PackageStatus
from tests.conftest import dispose_engines, login


def _form(db, org_number=101, estate_number=1):
    return db.session.scalar(
        select(Form)
        .join(Package)
        .join(Package.organisation)
        .join(Estate, Estate.id == Form.estate_id)
        .where(
            Organisation.number == org_number, Estate.number == estate_number, Package.year == 2026
        )
    )


def _post(client, form_id, **payload):
    return client.post(f"/form/{form_id}/answers", json=payload)


def test_save_answers_with_version_and_saved_time(world, db, client):
    login(client, "bo")
    form = _form(db)
    response = _post(client, form.id, key="a_challenges", value=True, version=0, request_id="1")
    assert response.status_code == 200
    body = response.json
    assert body["version"] == 1 and re.fullmatch(r"\d\d:\d\d", body["saved_at"])
    assert body["package_status_label"] == "Under udarbejdelse"
    assert body["sections"]["conclusion"] == "IN_PROGRESS"


def test_stale_version_gets_409_with_the_other_persons_value(world, db, client):
    login(client, "bo")
    form = _form(db)
    _post(client, form.id, key="a_challenges", value=True, version=0)
    response = _post(client, form.id, key="a_challenges", value=False, version=0)
    assert response.status_code == 409
    assert response.json["value"] is True and response.json["version"] == 1
    assert response.json["changed_by"] == "Bo Hansen"
    # when the other person saved, in Danish time (hh:mm)
    assert re.fullmatch(r"\d\d:\d\d", response.json["changed_at"])
    assert db.session.scalar(select(Answer.value).where(Answer.form_id == form.id)) is True


def test_retried_save_after_network_error_is_applied_once(world, db, client):
    login(client, "bo")
    form = _form(db)
    first = _post(client, form.id, key="a_challenges", value=True, version=0, request_id="x")
    retry = _post(client, form.id, key="a_challenges", value=True, version=0, request_id="x")
    assert first.status_code == retry.status_code == 200
    assert retry.json["version"] == 1


@pytest.mark.parametrize(
    ("payload", "status", "message"),
    [
        ({"key": "a_challenges", "value": "måske", "version": 0}, 422, "ja eller nej"),
        ({"key": "maintenance_condition", "value": "x", "version": 0}, 422, "mulige svar"),
        ({"key": "a_items", "value": ["x" * 501], "version": 0}, 422, "for langt"),
        (
            {"key": "maintenance_condition_comment", "value": "x" * 4001, "version": 0},
            422,
            "for lang",
        ),
        ({"key": "fantasi", "value": "x", "version": 0}, 422, "findes ikke"),
        ({"key": "a_challenges", "value": True, "version": "en"}, 400, "Ugyldig version"),
        ({"value": True}, 400, "Ugyldig forespørgsel"),
    ],
)
def test_bad_input_gets_a_clear_danish_message_and_saves_nothing(
    world, db, client, payload, status, message
):
    login(client, "bo")
    form = _form(db)
    response = _post(client, form.id, **payload)
    assert response.status_code == status
    assert message in response.json["message"]
    assert db.session.scalar(select(Answer.id).where(Answer.form_id == form.id)) is None


def test_after_submission_the_server_refuses_every_edit(world, db, client):
    login(client, "bo")
    form = _form(db)
    db.session.execute(
        update(Package)
        .where(Package.id == form.package_id)
        .values(status=PackageStatus.SUBMITTED, submitted_at=Package.created_at)
    )
    db.session.commit()
    response = _post(client, form.id, key="a_challenges", value=True, version=0)
    assert response.status_code == 409
    assert "fremsendt" in response.json["message"]
    page = client.get(f"/form/{form.id}/conclusion").get_data(as_text=True)
    assert "kan ikke længere ændres" in page and "disabled" in page


def test_foreign_form_answers_404_and_saves_nothing(world, db, client):
    login(client, "nord")
    form = _form(db)
    assert _post(client, form.id, key="a_challenges", value=True, version=0).status_code == 404
    assert client.get(f"/form/{form.id}/conclusion").status_code == 404
    assert client.get(f"/package/{form.package_id}/").status_code == 404


def test_municipality_has_no_save_permission(world, db, client):
    login(client, "kbh")
    form = _form(db)
    assert _post(client, form.id, key="a_challenges", value=True, version=0).status_code == 403


def test_expired_session_answers_401_so_the_page_keeps_the_text(world, db, client):
    form = _form(db)
    response = _post(client, form.id, key="a_challenges", value=True, version=0)
    assert response.status_code == 401
    assert db.session.scalar(select(Answer.id).where(Answer.form_id == form.id)) is None


@pytest.fixture
def csrf_app(app):
    from app import create_app
    from config import TestConfig

    application = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=os.environ["TEST_DATABASE_URL"], WTF_CSRF_ENABLED=True
    )
    yield application
    dispose_engines(application)


def test_autosave_needs_the_csrf_header_and_a_fresh_token_can_be_fetched(csrf_app, world, db):
    client = csrf_app.test_client()
    page = client.get("/login/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login/", data={"username": "bo", "password": "demo", "csrf_token": token})
    form = _form(db)
    refused = _post(client, form.id, key="a_challenges", value=True, version=0)
    assert refused.status_code == 400 and refused.json["error"] == "csrf"
    fresh = client.get("/form/csrf-token").json["token"]
    accepted = client.post(
        f"/form/{form.id}/answers",
        json={"key": "a_challenges", "value": True, "version": 0},
        headers={"X-CSRFToken": fresh},
    )
    assert accepted.status_code == 200


def test_package_page_shows_form_statuses_and_last_year_choice(world, db, client):
    login(client, "bo")
    form = _form(db)
    page = client.get(f"/package/{form.package_id}/").get_data(as_text=True)
    assert "Styringsrapport" in page and "Afdeling 1" in page
    assert "Klar til udfyldelse" in page
    # no 2025 package in this world: the screen says why last year's answers cannot load
    assert "ingen dokumentationspakke fra sidste år" in page


def test_municipality_sees_package_status_but_not_its_content_before_submission(world, db, client):
    login(client, "roskilde")
    form = _form(db)
    page = client.get(f"/package/{form.package_id}/").get_data(as_text=True)
    assert "bliver tilgængeligt for kommunen" in page
    assert f"/form/{form.id}/" not in page


def test_section_page_marks_critical_figures_by_text_and_icon(world, db, client):
    login(client, "bo")
    page = client.get(f"/form/{_form(db).id}/economy").get_data(as_text=True)
    # the demo data gives estate 1 a yellow and a red maintenance figure
    assert 'class="flag flag-red"><i class="fa fa-exclamation-circle"' in page
    assert 'class="flag flag-yellow"><i class="fa fa-exclamation-triangle"' in page
    assert "kommentaren skal udfyldes" in page


def test_last_years_answers_cannot_be_loaded_into_a_foreign_package(world, db, client):
    login(client, "nord")
    form = _form(db)
    response = client.post(f"/package/{form.package_id}/last-year", data={"report": "1"})
    assert response.status_code == 404


def test_municipality_cannot_load_last_years_answers(world, db, client):
    login(client, "kbh")
    form = _form(db)
    response = client.post(f"/package/{form.package_id}/last-year", data={"report": "1"})
    assert response.status_code in (302, 403)
    assert db.session.scalar(select(Answer.id)) is None


def test_loading_last_year_through_the_screen_reports_what_was_copied(world, db, client, app):
    from app.services.year_opening import open_year

    open_year(2025, app.config["QUESTIONNAIRE_VERSION"])
    login(client, "bo")
    last_report = db.session.scalar(
        select(Form)
        .join(Package)
        .join(Package.organisation)
        .where(Organisation.number == 101, Package.year == 2025, Form.estate_id.is_(None))
    )
    _post(client, last_report.id, key="q8_status", value="Status fra sidste år", version=0)
    this = _form(db).package_id
    response = client.post(
        f"/package/{this}/last-year",
        data={"report": "1", "scope": "none"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Indlæste svar: 1. Skemaer med indlæste svar: 1." in page


def test_attachments_show_to_a_municipality_only_after_submission(world, db, client):
    from app.models import Attachment

    package_id = _form(db).package_id
    db.session.add(
        Attachment(
            package_id=package_id,
            filename="aarsberetning.pdf",
            content_type="application/pdf",
            size=3,
            content=b"pdf",
        )
    )
    db.session.commit()
    login(client, "bo")
    assert "aarsberetning.pdf" in client.get(f"/package/{package_id}/").get_data(as_text=True)
    client.get("/logout/")
    login(client, "roskilde")
    assert "aarsberetning.pdf" not in client.get(f"/package/{package_id}/").get_data(as_text=True)
    db.session.execute(
        update(Package)
        .where(Package.id == package_id)
        .values(status=PackageStatus.SUBMITTED, submitted_at=Package.created_at)
    )
    db.session.commit()
    assert "aarsberetning.pdf" in client.get(f"/package/{package_id}/").get_data(as_text=True)
