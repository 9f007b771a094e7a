"""The session's idle timeout on the server, with the clock in the test's hand: a session idle
for SESSION_IDLE_SECONDS is logged out; any request of the user's is activity, the page's
own polls are not; "Forbliv logget ind" keeps it; an answer typed after the timeout is
refused (the page keeps it) and saved once the user has logged in again."""

import pytest
from sqlalchemy import select

from app.models import Answer
from tests.conftest import estate_form_id, login

START = 1_000_000.0
IDLE = 30 * 60


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self):
        return self.now

    def at(self, seconds):
        self.now = START + seconds


class Browser:
    """A test client whose every request has an application context of its own, as in a
    server: the test's own context would keep the user Flask-Login loaded first (in `g`)."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        with self.client.application.app_context():
            return self.client.get(url, **kwargs)

    def post(self, url, **kwargs):
        with self.client.application.app_context():
            return self.client.post(url, **kwargs)

    def login(self, username):
        with self.client.application.app_context():
            login(self.client, username)


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def clock(monkeypatch, app):
    clock = Clock()
    monkeypatch.setattr("app.session_idle.clock", clock)
    monkeypatch.setitem(app.config, "SESSION_IDLE_SECONDS", IDLE)
    return clock


def logged_in(client) -> bool:
    response = client.get("/overview/")
    if response.status_code == 302:
        assert "/login" in response.location
        return False
    assert response.status_code == 200
    return True


def test_thirty_minutes_is_the_default():
    from config import Config

    assert Config.SESSION_IDLE_SECONDS == 30 * 60
    assert Config.SESSION_IDLE_WARNING_SECONDS == 120


def test_a_session_idle_for_the_timeout_is_logged_out(world, browser, clock):
    browser.login("bo")
    clock.at(IDLE - 1)
    assert logged_in(browser)  # just in time: and this request was activity
    clock.at(2 * IDLE - 2)
    assert logged_in(browser)
    clock.at(3 * IDLE - 2)
    assert not logged_in(browser)
    # and it stays logged out, however soon the next request comes
    assert not logged_in(browser)


def test_the_pages_own_polls_are_not_activity(world, db, browser, clock):
    browser.login("bo")
    clock.at(IDLE - 100)
    status = browser.get("/session/status").json
    assert (status["authenticated"], status["remaining"], status["warning"]) == (True, 100, 120)
    assert browser.get("/form/csrf-token").status_code == 200
    clock.at(IDLE)
    assert browser.get("/session/status").json == {"authenticated": False, "remaining": 0}
    assert not logged_in(browser)


def test_staying_logged_in_starts_the_idle_time_again(world, browser, clock):
    browser.login("bo")
    clock.at(IDLE - 60)
    kept = browser.post("/session/keep-alive")
    assert kept.status_code == 200 and kept.json["remaining"] == IDLE
    clock.at(2 * IDLE - 61)
    assert logged_in(browser)


def test_staying_logged_in_after_the_timeout_is_refused(world, browser, clock):
    browser.login("bo")
    clock.at(IDLE)
    response = browser.post("/session/keep-alive")
    assert response.status_code == 401 and response.json["authenticated"] is False


def test_the_idle_time_is_configurable(world, browser, clock, app, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_SECONDS", 60)
    browser.login("bo")
    clock.at(59)
    assert browser.get("/session/status").json["remaining"] == 1
    clock.at(60)
    assert not logged_in(browser)


def test_an_answer_typed_after_the_timeout_is_saved_after_the_next_login(world, db, browser, clock):
    form_id = estate_form_id(db)
    browser.login("bo")
    answer = {"key": "a_challenges", "value": True, "version": 0, "request_id": "efter"}
    clock.at(IDLE + 5)
    refused = browser.post(f"/form/{form_id}/answers", json=answer)
    assert refused.status_code == 401  # the page keeps the text and says so
    assert db.session.scalar(select(Answer.id).where(Answer.form_id == form_id)) is None
    browser.login("bo")
    clock.at(IDLE + 10)
    assert browser.post(f"/form/{form_id}/answers", json=answer).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(Answer.value).where(Answer.form_id == form_id)) is True


def test_a_token_on_the_api_is_not_subject_to_the_idle_timeout(world, browser, clock):
    """A JSON Web Token carries no session: its own expiry governs it."""
    token = browser.post(
        "/api/v1/security/login", json={"username": "bo", "password": "demo", "provider": "db"}
    ).json["access_token"]
    clock.at(2 * IDLE)
    response = browser.get("/api/v1/package/", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_every_logged_in_page_carries_the_warning_and_no_public_page_does(world, browser, clock):
    assert 'id="session-timeout"' not in browser.get("/about/").get_data(as_text=True)
    browser.login("bo")
    page = browser.get("/overview/").get_data(as_text=True)
    assert 'id="session-timeout"' in page
    assert f'data-remaining="{IDLE}"' in page and 'data-warning="120"' in page
    assert "Forbliv logget ind" in page
