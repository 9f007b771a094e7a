"""The dialogue through the screens: the Status panel, the confirmation step, submission,
return with a reason, meeting held, statements, attachments and their downloads, each as
the role that may, refused with a Danish message for the rest."""

import datetime as dt
import io

import pytest
from sqlalchemy import func, select

from app.models import Attachment, Estate, Form, Package, PackageReturn, Statement
from app.rules.enums import PackageStatus
from tests.services.test_dialogue import PDF, complete_101  # noqa: F401
from tests.services.test_filling import package_of


def upload(client, url, name, content, **fields):
    data = {"file": (io.BytesIO(content), name), **fields}
    return client.post(url, data=data, content_type="multipart/form-data")


def status_of(db, package_id):
    db.session.expire_all()
    return db.session.get(Package, package_id).status


def test_status_panel_lists_what_is_missing_with_links_to_it(world, db, login_as):
    package = package_of(db, 101)
    page = login_as("bo").get(f"/package/{package.id}/").get_data(as_text=True)
    assert "Status for fremsendelse" in page
    assert "Før pakken kan fremsendes" in page
    # a missing answer links to its form's section, focused on the field
    assert "#input-maintenance_condition" in page
    assert 'id="submit-link"' not in page


def test_confirmation_names_each_recipient_and_submission_sends_it(
    complete_101,  # noqa: F811
    db,
    login_as,
):
    client = login_as("bo")
    page = client.get(f"/package/{complete_101}/").get_data(as_text=True)
    assert 'id="submit-link"' in page
    confirm = client.get(f"/package/{complete_101}/submit").get_data(as_text=True)
    assert "Hjemstedskommune: hele pakken" in confirm
    assert "Beliggenhedskommune: styringsrapporten og egne afdelinger" in confirm
    assert "København" in confirm and "Roskilde" in confirm
    response = client.post(f"/package/{complete_101}/submit")
    assert response.status_code == 302
    assert status_of(db, complete_101) == PackageStatus.SUBMITTED
    page = client.get(f"/package/{complete_101}/").get_data(as_text=True)
    assert 'id="receipts"' in page and "Ikke åbnet endnu" in page


def test_an_incomplete_package_is_not_sent_and_the_reasons_are_shown(world, db, login_as):
    package = package_of(db, 101)
    client = login_as("bo")
    response = client.post(f"/package/{package.id}/submit", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Pakken kan ikke fremsendes endnu" in page
    assert "Spørgsmålet skal besvares." in page
    assert status_of(db, package.id) == PackageStatus.READY


def test_home_municipality_returns_with_a_reason_shown_to_the_organisation(
    complete_101,  # noqa: F811
    db,
    login_as,
):
    login_as("bo").post(f"/package/{complete_101}/submit")
    kbh = login_as("kbh")
    page = kbh.get(f"/package/{complete_101}/").get_data(as_text=True)
    assert 'id="return-form"' in page and 'id="meeting-form"' in page
    refused = kbh.post(
        f"/package/{complete_101}/return", data={"reason": " "}, follow_redirects=True
    )
    assert "Skriv, hvorfor pakken sendes retur" in refused.get_data(as_text=True)
    assert status_of(db, complete_101) == PackageStatus.SUBMITTED
    kbh.post(f"/package/{complete_101}/return", data={"reason": "Afsnit II skal uddybes."})
    assert status_of(db, complete_101) == PackageStatus.COMPLETE
    page = login_as("bo").get(f"/package/{complete_101}/").get_data(as_text=True)
    assert "Sendt retur af kommunen" in page and "Afsnit II skal uddybes." in page


def test_location_municipality_is_offered_no_return_and_cannot_force_one(
    complete_101,  # noqa: F811
    db,
    login_as,
):
    login_as("bo").post(f"/package/{complete_101}/submit")
    roskilde = login_as("roskilde")
    page = roskilde.get(f"/package/{complete_101}/").get_data(as_text=True)
    assert 'id="return-form"' not in page and 'id="supplement-form"' in page
    roskilde.post(f"/package/{complete_101}/return", data={"reason": "Nej tak."})
    assert status_of(db, complete_101) == PackageStatus.SUBMITTED
    assert db.session.scalar(select(func.count(PackageReturn.id))) == 0


def test_meeting_then_statement_through_the_page(complete_101, db, login_as):  # noqa: F811
    login_as("bo").post(f"/package/{complete_101}/submit")
    kbh = login_as("kbh")
    bad = kbh.post(
        f"/package/{complete_101}/meeting",
        data={"meeting_date": "31-02-2026"},
        follow_redirects=True,
    )
    assert "Ikke en gyldig dato" in bad.get_data(as_text=True)
    today = dt.date.today().strftime("%d-%m-%Y")
    kbh.post(f"/package/{complete_101}/meeting", data={"meeting_date": today})
    assert status_of(db, complete_101) == PackageStatus.MEETING_HELD
    refused = upload(
        kbh, f"/package/{complete_101}/statement", "r.pdf", b"MZ\x90\x00" + b"\x00" * 64
    )
    assert refused.status_code == 302
    assert status_of(db, complete_101) == PackageStatus.MEETING_HELD
    upload(kbh, f"/package/{complete_101}/statement", "Redegørelse 2026.pdf", PDF)
    assert status_of(db, complete_101) == PackageStatus.STATEMENT_GIVEN
    statement_id = db.session.scalar(select(Statement.id))
    download = kbh.get(f"/package/{complete_101}/statements/{statement_id}")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.data == PDF


def test_attachment_is_downloaded_only_by_those_who_may_see_it(world, db, login_as):
    package = package_of(db, 101)
    bo = login_as("bo")
    response = upload(bo, f"/package/{package.id}/attachments", "Bilag.pdf", PDF)
    assert response.status_code == 302
    attachment_id = db.session.scalar(select(Attachment.id))
    url = f"/package/{package.id}/attachments/{attachment_id}"
    own = bo.get(url)
    assert own.status_code == 200 and own.data == PDF
    assert own.headers["Content-Disposition"].startswith("attachment;")
    assert own.headers["X-Content-Type-Options"] == "nosniff"
    # another organisation never; the municipality not before submission
    assert login_as("nord").get(url).status_code == 404
    assert login_as("kbh").get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("program.pdf", b"MZ\x90\x00" + b"\x00" * 64, "Filen er ikke et dokument"),
        ("..\\..\\boot.ini.pdf", PDF, "Filnavnet er ikke tilladt"),
        ("side.pdf", b"<html><script>alert(1)</script></html>", "Filen er ikke et dokument"),
    ],
)
def test_a_refused_upload_says_why_in_danish_and_stores_nothing(
    world, db, login_as, name, content, message
):
    package = package_of(db, 101)
    client = login_as("bo")
    response = upload(client, f"/package/{package.id}/attachments", name, content)
    page = client.get(f"/package/{package.id}/").get_data(as_text=True)
    assert response.status_code == 302
    assert message in page
    assert db.session.scalar(select(func.count(Attachment.id))) == 0


def test_the_public_sees_a_statement_only_once_the_meeting_is_held(
    complete_101,  # noqa: F811
    db,
    client,
    login_as,
):
    login_as("bo").post(f"/package/{complete_101}/submit")
    roskilde = login_as("roskilde")
    upload(roskilde, f"/package/{complete_101}/statement", "Supplement.pdf", PDF, supplementary="1")
    statement_id = db.session.scalar(select(Statement.id))
    client.get("/logout/")
    assert "Supplement.pdf" not in client.get("/offentlig/101/").get_data(as_text=True)
    assert client.get(f"/offentlig/redegoerelse/{statement_id}").status_code == 404
    today = dt.date.today().strftime("%d-%m-%Y")
    login_as("kbh").post(f"/package/{complete_101}/meeting", data={"meeting_date": today})
    client.get("/logout/")
    assert "Supplement.pdf" in client.get("/offentlig/265/").get_data(as_text=True)
    assert client.get(f"/offentlig/redegoerelse/{statement_id}").data == PDF
    # the package page stays closed; its report and estate forms are public, read-only
    assert client.get(f"/package/{complete_101}/").status_code in (302, 401, 403, 404)
    listing = client.get(f"/offentlig/pakke/{complete_101}/").get_data(as_text=True)
    assert "Styringsrapport" in listing and "Afdelingsskema: 5 Vængerne 5" in listing
    estate_form_id = db.session.scalar(
        select(Form.id)
        .join(Estate, Estate.id == Form.estate_id)
        .where(Form.package_id == complete_101, Estate.number == 1)
    )
    section = client.get(f"/offentlig/skema/{estate_form_id}/economy").get_data(as_text=True)
    assert "Vurdering af afdelingens vedligeholdelsestilstand" in section
    assert 'data-editable="false"' in section


def test_the_public_sees_no_form_before_the_meeting(complete_101, db, client, login_as):  # noqa: F811
    login_as("bo").post(f"/package/{complete_101}/submit")
    client.get("/logout/")
    form_id = db.session.scalar(select(Form.id).where(Form.package_id == complete_101))
    assert client.get(f"/offentlig/pakke/{complete_101}/").status_code == 404
    assert client.get(f"/offentlig/skema/{form_id}/economy").status_code == 404


def test_last_years_agreements_stand_beside_report_question_8(
    complete_101,  # noqa: F811
    db,
    login_as,
    app,
):
    from app.services.year_opening import open_year

    login_as("bo").post(f"/package/{complete_101}/submit")
    kbh = login_as("kbh")
    kbh.post(
        f"/package/{complete_101}/meeting",
        data={"meeting_date": dt.date.today().strftime("%d-%m-%Y")},
    )
    kbh.post(
        f"/package/{complete_101}/agreements",
        data={"title": "Plan for fugt", "responsible": "Direktionen", "follow_up": "Næste møde"},
    )
    assert "Plan for fugt" in kbh.get(f"/package/{complete_101}/").get_data(as_text=True)
    open_year(2027, app.config["QUESTIONNAIRE_VERSION"])
    report_id = db.session.scalar(
        select(Form.id).where(
            Form.package_id == package_of(db, 101, year=2027).id, Form.estate_id.is_(None)
        )
    )
    page = login_as("bo").get(f"/form/{report_id}/previous_matters").get_data(as_text=True)
    assert 'id="last-agreements"' in page
    assert "Aftaler fra styringsdialogen 2026" in page and "Plan for fugt" in page


def test_unfiled_accounts_are_told_on_the_overview_and_the_package_page(world, db, login_as):
    from sqlalchemy import delete

    from app.models import AccountsFiling

    package = package_of(db, 101)
    client = login_as("bo")
    assert 'id="accounts-not-filed"' not in client.get("/overview/").get_data(as_text=True)
    db.session.execute(
        delete(AccountsFiling).where(AccountsFiling.organisation_id == package.organisation_id)
    )
    db.session.commit()
    for url in ("/overview/", f"/package/{package.id}/"):
        page = client.get(url).get_data(as_text=True)
        assert 'id="accounts-not-filed"' in page
        assert "Regnskabet for 2025 er ikke indberettet til Landsbyggefonden." in page
