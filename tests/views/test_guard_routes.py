"""The edit guards through HTTP: nobody but the organisation writes its answers or loads last
year's answers into its package, and nothing lands in a submitted package."""

import pytest
from sqlalchemy import func, select, update

from app.models import Answer, Estate, Form, Organisation, Package
from app.rules.enums import PackageStatus
from tests.conftest import login


def _package_id(db, number=101, year=2026):
    return db.session.scalar(
        select(Package.id)
        .join(Package.organisation)
        .where(Organisation.number == number, Package.year == year)
    )


def _estate_form_id(db, package_id, estate_number=1):
    return db.session.scalar(
        select(Form.id)
        .join(Estate, Estate.id == Form.estate_id)
        .where(Form.package_id == package_id, Estate.number == estate_number)
    )


def _report_form_id(db, package_id):
    return db.session.scalar(
        select(Form.id).where(Form.package_id == package_id, Form.estate_id.is_(None))
    )


def _answers_in(db, package_id):
    db.session.expire_all()
    return db.session.scalar(
        select(func.count(Answer.id)).join(Form).where(Form.package_id == package_id)
    )


def _submit(db, package_id):
    db.session.execute(
        update(Package)
        .where(Package.id == package_id)
        .values(status=PackageStatus.SUBMITTED, submitted_at=Package.created_at)
    )
    db.session.commit()


def _save(client, form_id, key, value, version=0):
    return client.post(
        f"/form/{form_id}/answers", json={"key": key, "value": value, "version": version}
    )


def test_lbf_saving_an_organisations_answer_is_refused_and_nothing_stored(world, db, client):
    package_id = _package_id(db)
    form_id = _estate_form_id(db, package_id)
    login(client, "lbf")
    response = _save(client, form_id, "a_challenges", True)
    assert response.status_code == 409
    assert response.json["message"] == "Du kan ikke redigere denne dokumentationspakke."
    assert _answers_in(db, package_id) == 0
    assert db.session.get(Package, package_id).status == PackageStatus.READY


@pytest.mark.parametrize("submitted", [False, True])
def test_municipality_saving_an_organisations_answer_is_refused_and_nothing_stored(
    world, db, client, submitted
):
    package_id = _package_id(db)
    form_id = _estate_form_id(db, package_id)
    if submitted:
        _submit(db, package_id)
    login(client, "kbh")
    response = _save(client, form_id, "a_challenges", True)
    assert response.status_code in (403, 404, 409)
    assert _answers_in(db, package_id) == 0


def test_save_with_a_version_from_the_future_gets_409_and_changes_nothing(world, db, client):
    package_id = _package_id(db)
    form_id = _estate_form_id(db, package_id)
    login(client, "bo")
    assert _save(client, form_id, "a_challenges", True).status_code == 200
    response = _save(client, form_id, "a_challenges", False, version=7)
    assert response.status_code == 409
    assert (response.json["value"], response.json["version"]) == (True, 1)
    db.session.expire_all()
    assert db.session.scalar(
        select(Answer.value).where(Answer.form_id == form_id, Answer.question_key == "a_challenges")
    )


@pytest.fixture
def last_year_answers(world, db, app, client):
    """Organisation 101 answered its 2025 report and estate 1; the 2026 package is empty."""
    from app.services.year_opening import open_year

    open_year(2025, app.config["QUESTIONNAIRE_VERSION"])
    old = _package_id(db, year=2025)
    login(client, "bo")
    assert _save(client, _report_form_id(db, old), "q8_status", "Status 2025").status_code == 200
    assert _save(client, _estate_form_id(db, old), "a_challenges", True).status_code == 200
    client.get("/logout/")
    return _package_id(db)


@pytest.mark.parametrize("user", ["lbf", "kbh"])
def test_last_year_load_by_anyone_but_the_organisation_copies_nothing(
    last_year_answers, db, client, user
):
    login(client, user)
    response = client.post(
        f"/package/{last_year_answers}/last-year", data={"report": "1", "scope": "all"}
    )
    assert response.status_code in (302, 403)
    assert _answers_in(db, last_year_answers) == 0


def test_last_year_load_into_a_submitted_package_is_refused_and_copies_nothing(
    last_year_answers, db, client
):
    _submit(db, last_year_answers)
    login(client, "bo")
    response = client.post(
        f"/package/{last_year_answers}/last-year",
        data={"report": "1", "scope": "all", "overwrite": "1"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Du kan ikke redigere denne dokumentationspakke." in response.get_data(as_text=True)
    assert _answers_in(db, last_year_answers) == 0
    assert db.session.get(Package, last_year_answers).status == PackageStatus.SUBMITTED


def test_last_year_load_by_the_organisation_copies_its_answers(last_year_answers, db, client):
    login(client, "bo")
    response = client.post(
        f"/package/{last_year_answers}/last-year", data={"report": "1", "scope": "all"}
    )
    assert response.status_code == 302
    assert _answers_in(db, last_year_answers) == 2


@pytest.fixture
def rendered(app):
    """The context of every template rendered during the test."""
    from flask import template_rendered

    contexts = []

    def record(_sender, template, context, **_extra):
        contexts.append((template.name, context))

    template_rendered.connect(record, app)
    yield contexts
    template_rendered.disconnect(record, app)


@pytest.mark.parametrize("user", ["kbh", "roskilde"])
def test_package_page_hands_a_municipality_no_attachment_before_submission(
    world, db, client, rendered, user
):
    """The page hides the list before submission anyway; the query behind it must not even
    read the attachments."""
    from app.models import Attachment

    package_id = _package_id(db)
    db.session.add(
        Attachment(
            package_id=package_id,
            filename="regnskab.pdf",
            content_type="application/pdf",
            size=3,
            content=b"pdf",
        )
    )
    db.session.commit()
    login(client, user)
    assert client.get(f"/package/{package_id}/").status_code == 200
    (context,) = [c for name, c in rendered if name == "package.html"]
    assert list(context["attachments"]) == []
    _submit(db, package_id)
    rendered.clear()
    page = client.get(f"/package/{package_id}/").get_data(as_text=True)
    (context,) = [c for name, c in rendered if name == "package.html"]
    assert [a.filename for a in context["attachments"]] == ["regnskab.pdf"]
    assert "regnskab.pdf" in page
