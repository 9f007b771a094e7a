"""The dialogue end to end in Chromium: the organisation submits; the home municipality sends
it back with a reason; the organisation changes an answer and sends it again; the
municipality sees the change, marks the meeting held and uploads its statement; the location
municipality adds a supplement."""

import datetime as dt
import re

import pytest
from sqlalchemy import select

from app.models import AccountsFiling, Package, Statement
from app.rules.enums import PackageStatus
from tests.e2e.conftest import login, screenshot
from tests.services.test_filling import complete_estate_form, complete_report, package_of

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SAVED = re.compile(r"^Gemt \d\d:\d\d$")


@pytest.fixture
def complete_package(live_server, db):
    package = package_of(db, 101)
    for form in package.forms:
        if form.estate_id is None:
            complete_report(db, form)
        else:
            complete_estate_form(db, form)
    if not db.session.scalar(
        select(AccountsFiling.id).where(
            AccountsFiling.organisation_id == package.organisation_id,
            AccountsFiling.accounting_year == 2025,
        )
    ):
        db.session.add(
            AccountsFiling(organisation_id=package.organisation_id, accounting_year=2025)
        )
        db.session.commit()
    return package.id


def status(db, package_id):
    db.session.expire_all()
    return db.session.get(Package, package_id).status


def log_out(page, base):
    page.goto(f"{base}/logout/")


def test_submit_return_resubmit_meeting_and_statements(
    live_server, page, db, complete_package, tmp_path
):
    base, package_id = live_server, complete_package
    login(page, base, "bo")
    page.goto(f"{base}/package/{package_id}/")
    screenshot(page, "dialogue-1-package-ready-to-send")
    page.click("#submit-link")
    page.wait_for_selector("#recipients")
    assert "Roskilde" in page.locator("#recipients").inner_text()
    screenshot(page, "dialogue-2-confirmation")
    page.click("#submit-form button[type=submit]")
    page.wait_for_selector("#receipts")
    assert status(db, package_id) == PackageStatus.SUBMITTED
    screenshot(page, "dialogue-3-sent-with-receipts")

    log_out(page, base)
    login(page, base, "kbh")
    page.goto(f"{base}/package/{package_id}/")
    page.fill("#return-reason", "Uddyb vurderingen af vedligeholdelsen i afdeling 1.")
    screenshot(page, "dialogue-4-municipality-returns")
    page.click("#return-form button[type=submit]")
    page.wait_for_selector(".alert-success, .alert.alert-success")
    assert status(db, package_id) == PackageStatus.COMPLETE

    log_out(page, base)
    login(page, base, "bo")
    page.goto(f"{base}/package/{package_id}/")
    assert "Uddyb vurderingen" in page.locator("#returned-notice").inner_text()
    screenshot(page, "dialogue-5-organisation-sees-reason")
    form_id = page.locator("tr[data-form-id]").nth(1).get_attribute("data-form-id")
    page.goto(f"{base}/form/{form_id}/economy")
    box = page.locator(".question[data-key=maintenance_condition]")
    box.locator("input[value=less_satisfactory]").check()
    box.locator(".save-state", has_text=SAVED).wait_for(timeout=10_000)
    page.goto(f"{base}/package/{package_id}/submit")
    page.wait_for_selector("#submit-form")
    page.click("#submit-form button[type=submit]")
    page.wait_for_selector("#receipts")
    assert status(db, package_id) == PackageStatus.SUBMITTED

    log_out(page, base)
    login(page, base, "kbh")
    page.goto(f"{base}/package/{package_id}/")
    changes = page.locator("#changes").inner_text()
    assert "Vurdering af afdelingens vedligeholdelsestilstand" in changes
    assert "Tilfredsstillende" in changes and "Mindre tilfredsstillende" in changes
    screenshot(page, "dialogue-6-municipality-sees-the-change")
    page.fill("#meeting_date", dt.date.today().strftime("%d-%m-%Y"))
    page.click("#meeting-form button[type=submit]")
    page.wait_for_selector("#statement-form")
    assert status(db, package_id) == PackageStatus.MEETING_HELD
    statement = tmp_path / "Redegørelse 2026.pdf"
    statement.write_bytes(PDF)
    page.set_input_files("#statement-file", str(statement))
    page.click("#statement-form button[type=submit]")
    page.wait_for_selector("#statements")
    assert status(db, package_id) == PackageStatus.STATEMENT_GIVEN
    screenshot(page, "dialogue-7-statement-given")

    log_out(page, base)
    login(page, base, "roskilde")
    page.goto(f"{base}/package/{package_id}/")
    # the change was made in a Copenhagen estate's form: not Roskilde's to see
    assert page.locator("#changes").count() == 0
    supplement = tmp_path / "Supplement.pdf"
    supplement.write_bytes(PDF)
    page.set_input_files("#supplement-file", str(supplement))
    page.click("#supplement-form button[type=submit]")
    page.wait_for_selector("#statements")
    screenshot(page, "dialogue-8-location-supplement")
    db.session.expire_all()
    given = {(s.supplementary, s.filename) for s in db.session.scalars(select(Statement))}
    assert given == {(False, "Redegørelse 2026.pdf"), (True, "Supplement.pdf")}

    # published once the meeting is held: the public sees both statements without logging in
    log_out(page, base)
    page.goto(f"{base}/offentlig/101/")
    published = page.locator("#published-statements").inner_text()
    assert "Redegørelse 2026.pdf" in published and "Supplement.pdf" in published
    screenshot(page, "dialogue-9-public-statements")
    link = page.locator("#published-statements a", has_text="Redegørelse 2026.pdf")
    assert page.request.get(base + link.get_attribute("href")).body() == PDF
    # and the report and estate forms, read-only
    page.click("#published-packages a")
    page.click("#published-forms a >> nth=1")
    assert page.locator(".question[data-key=maintenance_condition]").count() == 0 or (
        page.locator("input[name=maintenance_condition]").first.is_disabled()
    )
    screenshot(page, "dialogue-10-public-estate-form")
