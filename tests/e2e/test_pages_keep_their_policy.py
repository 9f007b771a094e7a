"""The content security policy holds in a real browser: the pages of every role load, and a
form saves its answers, without one refused script, style or request."""

import pytest

from tests.conftest import estate_form_id
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def _policy_refusals(page) -> list[str]:
    refusals: list[str] = []
    page.on(
        "console",
        lambda message: (
            refusals.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refusals


@pytest.mark.parametrize("username", ["lbf", "bo", "kbh"])
def test_pages_of_each_role_load_without_a_policy_refusal(live_server, page, db, username):
    refusals = _policy_refusals(page)
    login(page, live_server, username)
    for path in ["/", "/packageview/list/", "/organisationview/list/", "/about/"]:
        # "load": every script and style has been fetched, so any refusal has been reported
        page.goto(f"{live_server}{path}", wait_until="load", timeout=60_000)
    assert refusals == []


def test_a_form_saves_its_answers_under_the_policy(live_server, page, db):
    form_id = estate_form_id(db)
    refusals = _policy_refusals(page)
    login(page, live_server, "bo")
    page.goto(f"{live_server}/form/{form_id}/")
    box = page.locator(".question[data-kind=yes_no]").first
    box.locator("input[value=true]").check()
    box.locator(".save-state", has_text="Gemt").wait_for(timeout=10_000)
    assert refusals == []
