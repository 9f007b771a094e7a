"""Autosave never loses typed text: on a slow or failing network, in the real browser script.

The sequence of issue 6: type "ab" (its save is held in flight), type "abc" and leave the field;
the first save then answers 200. The page must send "abc" only after that answer, with the
version it returned, keep "abc" until the server has acknowledged it, retry a failing save with
back-off (1, 2, 4, 8, 16 s, then stop and say so), save it with "Gem igen", and ask before the
user leaves while text is unsaved. Time in the page is Playwright's fake clock, so the back-off
runs without waiting 31 seconds.
"""

import json
import re
import time

import pytest
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import select

from app.models import Answer
from tests.conftest import estate_form_id
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e

SAVED = re.compile(r"^Gemt \d\d:\d\d$")
KEY = "maintenance_condition_comment"  # a free text on the economy page
FIELD = f"#q-{KEY}"


def _stored(db, form_id):
    """(value, version) of the answer in the database, or None."""
    db.session.expire_all()
    answer = db.session.scalar(
        select(Answer).where(Answer.form_id == form_id, Answer.question_key == KEY)
    )
    return None if answer is None else (answer.value, answer.version)


class Network:
    """Every autosave request of one page passes here; the test decides when and how each is
    answered: held until released, failed as a broken connection, or passed to the server."""

    def __init__(self, page):
        self.page = page
        self.bodies = []  # the JSON body of every request, in the order the page sent them
        self.answers = {}  # request index -> the server's JSON answer
        self.held = {}  # request index -> route not yet answered
        self.hold = False
        self.failing = False
        page.route("**/form/*/answers", self._route)

    def _route(self, route):
        index = len(self.bodies)
        self.bodies.append(json.loads(route.request.post_data))
        if self.hold:
            self.held[index] = route
        elif self.failing:
            route.abort("connectionfailed")
        else:
            self._pass(index, route)

    def _pass(self, index, route):
        response = route.fetch()
        self.answers[index] = response.json()
        route.fulfill(response=response)

    def release(self, index):
        self._pass(index, self.held.pop(index))

    def wait_for_requests(self, count, timeout=10):
        deadline = time.monotonic() + timeout
        while len(self.bodies) < count:
            assert time.monotonic() < deadline, f"{len(self.bodies)} requests, expected {count}"
            self.page.wait_for_timeout(20)


def _open_economy(page, live_server, db, *, fake_clock):
    form_id = estate_form_id(db)
    login(page, live_server, "bo")
    if fake_clock:
        page.clock.install()
    page.goto(f"{live_server}/form/{form_id}/economy")
    if fake_clock:
        page.clock.pause_at(time.time() + 60)  # from here on, page time moves only when told
    return form_id


def _beforeunload_dialogs(page):
    """Try to close the page; the dialogs it raised (dismissed: the page stays open)."""
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.close(run_before_unload=True)
    deadline = time.monotonic() + 3
    while not dialogs and not page.is_closed() and time.monotonic() < deadline:
        try:
            page.wait_for_timeout(50)
        except PlaywrightError:  # closed while waiting: nothing asked
            break
    if not page.is_closed():
        page.remove_listener("dialog", on_dialog)
    return dialogs


def _type_ab_then_abc_while_ab_is_held(page, network):
    """Type "ab" and pause (its save leaves and is held), then "abc" and leave the field."""
    area = page.locator(f"{FIELD} textarea")
    area.click()
    area.fill("ab")
    page.clock.run_for(1000)  # the typing pause is over: "ab" is sent
    network.wait_for_requests(1)
    area.fill("abc")
    area.press("Tab")  # leaving the field saves at once
    page.clock.run_for(100)
    page.wait_for_timeout(300)  # time for a save that should not leave yet


def test_text_typed_while_a_save_is_in_flight_is_kept_retried_and_saved_with_gem_igen(
    live_server, page, db
):
    form_id = _open_economy(page, live_server, db, fake_clock=True)
    network = Network(page)
    network.hold = True
    _type_ab_then_abc_while_ab_is_held(page, network)
    # one save in flight per field: "abc" waits for the answer to "ab"
    assert [body["value"] for body in network.bodies] == ["ab"]

    network.hold = False
    network.failing = True  # from now on the connection breaks
    network.release(0)
    assert network.answers[0]["version"] == 1  # the first answer ever saved
    network.wait_for_requests(2)
    second = network.bodies[1]
    # the next save carries the version the server has just returned
    assert (second["value"], second["version"]) == ("abc", 1)

    # back-off: 1, 2, 4, 8, 16 s after each failure, then stop
    state = page.locator(f"{FIELD} .save-state")
    for attempt, delay in enumerate([1, 2, 4, 8, 16], start=2):
        state.filter(has_text=f"prøver igen om {delay} sek.").wait_for()
        page.clock.run_for(delay * 1000)
        network.wait_for_requests(attempt + 1)
    state.filter(has_text="Ikke gemt - prøv igen").wait_for()
    page.clock.run_for(120_000)  # no retry after the last one
    page.wait_for_timeout(300)
    assert [body["value"] for body in network.bodies] == ["ab"] + ["abc"] * 6
    # a retry reuses the request id, so the server applies it once
    assert len({body["request_id"] for body in network.bodies[1:]}) == 1
    assert state.inner_text().startswith("Ikke gemt - prøv igen")
    assert page.locator(f"{FIELD} textarea").input_value() == "abc"
    assert _stored(db, form_id) == ("ab", 1)
    screenshot(page, "autosave-not-saved")

    # leaving the page now asks first
    assert _beforeunload_dialogs(page) == ["beforeunload"]
    assert not page.is_closed()

    # the network is back: "Gem igen" saves the text
    network.failing = False
    state.get_by_role("button", name="Gem igen").click()
    state.filter(has_text=SAVED).wait_for()
    assert _stored(db, form_id) == ("abc", 2)
    assert (network.bodies[-1]["value"], network.bodies[-1]["version"]) == ("abc", 1)
    # everything is saved: leaving asks nothing
    assert _beforeunload_dialogs(page) == []


def test_text_typed_while_a_save_is_in_flight_is_saved_after_it_without_a_false_conflict(
    live_server, page, db
):
    form_id = _open_economy(page, live_server, db, fake_clock=True)
    network = Network(page)
    network.hold = True
    _type_ab_then_abc_while_ab_is_held(page, network)
    network.release(0)  # "ab" is saved
    network.hold = False
    for index in list(network.held):  # a save that left too early reaches the server after it
        network.release(index)
    network.wait_for_requests(2)

    state = page.locator(f"{FIELD} .save-state")
    state.filter(has_text=SAVED).wait_for()
    assert not page.locator(f"{FIELD} .conflict").is_visible()
    assert [(b["value"], b["version"]) for b in network.bodies] == [("ab", 0), ("abc", 1)]
    assert _stored(db, form_id) == ("abc", 2)


def test_409_holding_the_very_text_the_user_sends_is_no_conflict(live_server, browser, db):
    form_id = estate_form_id(db)
    url = f"{live_server}/form/{form_id}/economy"
    here = browser.new_context(locale="da-DK").new_page()
    there = browser.new_context(locale="da-DK").new_page()  # the same user in another window
    login(here, live_server, "bo")
    login(there, live_server, "bo")
    here.goto(url)
    there.goto(url)
    text = "Taget er skiftet."
    there.locator(f"{FIELD} textarea").fill(text)
    there.locator(f"{FIELD} textarea").press("Tab")
    there.locator(f"{FIELD} .save-state", has_text=SAVED).wait_for()
    assert _stored(db, form_id) == (text, 1)

    # this window still has version 0 and sends the same text: the server answers 409
    area = here.locator(f"{FIELD} textarea")
    area.fill(text)
    area.press("Tab")
    state = here.locator(f"{FIELD} .save-state")
    state.filter(has_text=SAVED).wait_for()
    assert not here.locator(f"{FIELD} .conflict").is_visible()
    assert here.locator(FIELD).get_attribute("data-version") == "1"  # the server's version

    # and the next change goes with that version, without a conflict
    area.fill(text + " Vinduerne følger.")
    area.press("Tab")
    here.locator(f"{FIELD}[data-version='2']").wait_for()
    state.filter(has_text=SAVED).wait_for()
    assert _stored(db, form_id) == (text + " Vinduerne følger.", 2)
    here.context.close()
    there.context.close()
