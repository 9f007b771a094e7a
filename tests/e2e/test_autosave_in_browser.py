"""Autosave as users meet it: a conflict with a colleague, an expired session, help texts."""

import re

import pytest
from flask import current_app
from sqlalchemy import select

from app.models import Answer, Organisation, UserRight
from app.rules.enums import Right
from tests.conftest import estate_form_id
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e

SAVED = re.compile(r"^Gemt \d\d:\d\d$")  # not "Ikke gemt - prøv igen"


def _answer(db, form_id, key):
    db.session.expire_all()
    return db.session.scalar(
        select(Answer).where(Answer.form_id == form_id, Answer.question_key == key)
    )


@pytest.fixture
def colleague(world, db, app):
    """A second user of organisation 101, who may fill in its package."""
    with app.app_context():
        sm = current_app.appbuilder.sm
        user = sm.add_user(
            username="kollega",
            first_name="Karl",
            last_name="Kollega",
            email="kollega@example.dk",
            role=sm.find_role("Boligorganisation"),
            password="demo",
        )
        user.organisation_id = db.session.scalar(
            select(Organisation.id).where(Organisation.number == 101)
        )
        db.session.add(UserRight(user_id=user.id, right=Right.FILL_AND_SEND))
        db.session.commit()
    return "kollega"


def test_second_save_shows_the_colleagues_answer_and_lets_the_user_choose(
    live_server, browser, db, colleague
):
    form_id = estate_form_id(db)
    url = f"{live_server}/form/{form_id}/conclusion"
    first = browser.new_context().new_page()
    second = browser.new_context().new_page()
    login(first, live_server, "bo")
    login(second, live_server, colleague)
    first.goto(url)
    second.goto(url)

    first.locator("#q-a_challenges input[value=true]").check()
    first.locator("#q-a_challenges .save-state", has_text=SAVED).wait_for()
    second.locator("#q-a_challenges input[value=false]").check()
    conflict = second.locator("#q-a_challenges .conflict")
    conflict.wait_for(state="visible")
    screenshot(second, "autosave-conflict")
    assert "Bo Hansen" in conflict.inner_text()
    assert conflict.locator(".their-answer").inner_text() == "Ja"
    assert _answer(db, form_id, "a_challenges").value is True  # nothing silently overwritten

    second.locator("#q-a_challenges .keep-mine").click()
    second.locator("#q-a_challenges .save-state", has_text=SAVED).wait_for()
    answer = _answer(db, form_id, "a_challenges")
    assert (answer.value, answer.version) == (False, 2)
    first.context.close()
    second.context.close()


def test_expired_session_keeps_the_typed_text_until_the_user_logs_in_again(live_server, page, db):
    form_id = estate_form_id(db)
    login(page, live_server, "bo")
    page.goto(f"{live_server}/form/{form_id}/economy")
    page.context.clear_cookies()  # the session ends while the page is open

    text = "Vedligeholdelsesplanen er revideret i år."
    area = page.locator("#q-maintenance_condition_comment textarea")
    area.fill(text)
    area.press("Tab")
    page.locator("#session-alert").wait_for(state="visible")
    screenshot(page, "autosave-session-expired")
    assert area.input_value() == text
    assert _answer(db, form_id, "maintenance_condition_comment") is None

    other = page.context.new_page()  # log in again in another window
    login(other, live_server, "bo")
    other.close()
    page.locator("#retry-all").click()
    page.locator("#q-maintenance_condition_comment .save-state", has_text=SAVED).wait_for()
    assert _answer(db, form_id, "maintenance_condition_comment").value == text


def test_help_icon_opens_the_help_text(live_server, page, db):
    login(page, live_server, "bo")
    page.goto(f"{live_server}/form/{estate_form_id(db)}/conclusion")
    help_text = page.locator("#help-a_challenges")
    assert not help_text.is_visible()
    page.locator("#q-a_challenges .help-toggle").click()
    help_text.wait_for(state="visible")
    assert "Styringsdialogen skal omhandle" in help_text.inner_text()


def test_bad_input_in_the_browser_gets_a_danish_message_and_saves_nothing(live_server, page, db):
    form_id = estate_form_id(db)
    login(page, live_server, "bo")
    page.goto(f"{live_server}/form/{form_id}/conclusion")
    # eleven points where at most ten are allowed
    area = page.locator("#q-a_items textarea")
    area.fill("\n".join(f"Punkt {n}" for n in range(11)))
    area.press("Tab")
    state = page.locator("#q-a_items .save-state", has_text="Højst 10 punkter")
    state.wait_for()
    assert _answer(db, form_id, "a_items") is None


def test_a_text_over_its_limit_is_counted_refused_with_the_reason_and_kept(live_server, page, db):
    """The field does not cut a long text: the counter says it is too long, the save is
    refused with the limit, and every character typed stays in the field."""
    from app.models import Form, Package

    form_id = db.session.scalar(
        select(Form.id)
        .join(Package, Package.id == Form.package_id)
        .join(Organisation, Organisation.id == Package.organisation_id)
        .where(Organisation.number == 101, Form.estate_id.is_(None))
    )
    login(page, live_server, "bo")
    page.goto(f"{live_server}/form/{form_id}/organisation")
    page.locator("#q-q1_proposals input[value=true]").check()
    area = page.locator("#input-q1_proposals_text")
    text = "Samarbejde om anvisning. " * 160 + "Slut."  # 4,005 characters
    area.fill(text)
    counter = page.locator("#count-q1_proposals_text")
    assert counter.inner_text() == "4.005 af 4.000 tegn – teksten er for lang"
    area.press("Tab")
    page.locator(
        "#q-q1_proposals_text .save-state", has_text="Teksten er for lang: højst 4000 tegn."
    ).wait_for()
    screenshot(page, "text-over-its-limit")
    assert area.input_value() == text
    assert _answer(db, form_id, "q1_proposals_text") is None
    # shortened, it is saved
    area.fill(text[:3990])
    assert counter.inner_text() == "3.990 af 4.000 tegn"
    area.press("Tab")
    page.locator("#q-q1_proposals_text .save-state", has_text=SAVED).wait_for()
    assert _answer(db, form_id, "q1_proposals_text").value == text[:3990]
