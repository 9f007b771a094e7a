"""The idle timeout in the browser, with short timeouts set in the configuration: the warning
comes before the end as an alert dialog with the focus on "Forbliv logget ind", which keeps
the session; left alone, the session ends and the dialog says so; an answer typed then stays
in the page and is saved once the user has logged in again in another window and is back."""

import re
import time

import pytest
from sqlalchemy import select

from app.models import Answer
from tests.conftest import estate_form_id
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

IDLE, WARNING = 12, 8  # seconds: the warning shows 4 s after the last request
KEY = "maintenance_condition_comment"
FIELD = f"#q-{KEY}"


@pytest.fixture
def short_timeout(app, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_SECONDS", IDLE)
    monkeypatch.setitem(app.config, "SESSION_IDLE_WARNING_SECONDS", WARNING)


def _stored(db, form_id):
    db.session.expire_all()
    return db.session.scalar(
        select(Answer.value).where(Answer.form_id == form_id, Answer.question_key == KEY)
    )


def test_the_warning_keeps_the_session_and_text_typed_after_the_end_is_saved_after_login(
    short_timeout, live_server, browser, db
):
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    form_id = estate_form_id(db)
    login(page, live_server, "bo")
    page.goto(f"{live_server}/form/{form_id}/economy")

    warning = page.locator(".session-warning")
    stay = page.locator("#session-stay")
    warning.wait_for(state="visible", timeout=(IDLE - WARNING + 5) * 1000)
    assert warning.get_attribute("role") == "alertdialog"
    assert page.evaluate("document.activeElement.id") == "session-stay"
    left = page.locator(".session-timeout-left").inner_text()
    assert re.fullmatch(r"0:0\d", left), left

    # "Forbliv logget ind": the dialog goes and the session has its full idle time again
    stay.click()
    warning.wait_for(state="hidden", timeout=5000)
    status = page.evaluate("fetch('/session/status').then(r => r.json())")
    assert status["authenticated"] and status["remaining"] > IDLE - 2

    # left alone: the warning, then the end
    expired = page.locator(".session-expired")
    expired.wait_for(state="visible", timeout=(IDLE + 6) * 1000)
    assert "Du er logget ud" in expired.inner_text()
    assert "ikke gået tabt" in expired.inner_text()  # on a form page: the text stays
    assert page.locator("#session-login").get_attribute("target") == "_blank"
    page.locator("#session-close").click()

    # typed after the end: refused by the server, kept in the page, said so
    area = page.locator(f"{FIELD} textarea")
    area.fill("Skrevet efter udløbet")
    area.press("Tab")
    page.locator("#session-alert").wait_for(state="visible", timeout=10_000)
    assert area.input_value() == "Skrevet efter udløbet"
    assert _stored(db, form_id) is None

    # logged in again in another window of the same browser, then back to the form
    other = context.new_page()
    login(other, live_server, "bo")
    page.bring_to_front()
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    deadline = time.monotonic() + 15
    while _stored(db, form_id) != "Skrevet efter udløbet":
        assert time.monotonic() < deadline, "the typed answer was not saved after login"
        page.wait_for_timeout(200)
    page.locator(f"{FIELD} .save-state", has_text=re.compile(r"^Gemt")).wait_for(timeout=5000)
    context.close()


def test_the_warning_keeps_the_keyboard_and_escape_stays_logged_in(
    short_timeout, live_server, browser, db
):
    context = browser.new_context(locale="da-DK")
    page = context.new_page()
    login(page, live_server, "bo")
    page.goto(f"{live_server}/overview/")
    warning = page.locator(".session-warning")
    warning.wait_for(state="visible", timeout=(IDLE - WARNING + 5) * 1000)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "session-logout"
    page.keyboard.press("Tab")  # Tab stays inside the dialog
    assert page.evaluate("document.activeElement.id") == "session-stay"
    page.keyboard.press("Escape")
    warning.wait_for(state="hidden", timeout=5000)
    status = page.evaluate("fetch('/session/status').then(r => r.json())")
    assert status["authenticated"] and status["remaining"] > IDLE - 2
    context.close()
