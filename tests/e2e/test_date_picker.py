"""DKFDS's date picker on the date fields: opened, moved and chosen with the keyboard alone, it
writes the date as dd-mm-åååå for the user and saves it; the English page names it in English."""

import datetime as dt

import pytest

from app.models import Package
from tests.e2e.conftest import login, screenshot
from tests.services.test_filling import package_of

pytestmark = pytest.mark.e2e


def test_a_deadline_is_chosen_in_the_calendar_with_the_keyboard_and_saved(live_server, page, db):
    base, package_id = live_server, package_of(db, 101).id
    login(page, base, "kbh")
    page.goto(f"{base}/packageview/edit/{package_id}")
    button = page.get_by_role("button", name="Åbn kalender")
    page.focus("#deadline")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Åbn kalender"
    page.keyboard.press("Enter")
    page.locator(".date-picker__calendar").wait_for()
    assert page.get_by_role("dialog").get_attribute("aria-label") == "Vælg en dato"
    # the calendar opens on today; one step right is tomorrow
    page.keyboard.press("ArrowRight")
    screenshot(page, "date-picker-open")
    page.keyboard.press("Enter")
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert page.input_value("#deadline") == tomorrow.strftime("%d-%m-%Y")
    assert page.evaluate("document.activeElement.id") == "deadline"
    assert button.is_visible()
    with page.expect_navigation():
        page.click("form button[type=submit], form input[type=submit]")
    db.session.expire_all()
    assert db.session.get(Package, package_id).deadline == tomorrow


def test_a_typed_date_is_saved_as_typed(live_server, page, db):
    base, package_id = live_server, package_of(db, 101).id
    login(page, base, "kbh")
    page.goto(f"{base}/packageview/edit/{package_id}")
    page.fill("#deadline", "15-12-2026")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.click("form button[type=submit], form input[type=submit]")
    db.session.expire_all()
    assert db.session.get(Package, package_id).deadline == dt.date(2026, 12, 15)


def test_the_calendar_speaks_english_on_the_english_page(live_server, page, db):
    base, package_id = live_server, package_of(db, 101).id
    login(page, base, "kbh")
    page.goto(f"{base}/lang/en")
    page.goto(f"{base}/packageview/edit/{package_id}")
    page.get_by_role("button", name="Open calendar").click()
    months = [dt.date(2026, m, 1).strftime("%B") for m in range(1, 13)]
    heading = page.locator(".date-picker__calendar__month-selection").inner_text()
    assert heading in months
