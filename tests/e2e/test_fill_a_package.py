"""A whole small package filled in a real browser: every required answer, a red figure
commented, COMPLETE reached, and every answer found again after logging out and in."""

import re

import pytest
from sqlalchemy import select

from app.models import Benchmark, Estate, KeyFigureValue, Organisation, Package
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e

SAVED = re.compile(r"^Gemt \d\d:\d\d$")  # not "Ikke gemt - prøv igen"


def _answer_section(page) -> dict[str, str]:
    """Answer every required question on the page; returns what was typed or chosen."""
    given = {}
    for box in page.locator(".question").all():
        required = box.locator(".required-mark").count() > 0
        if not required:
            continue
        key = box.get_attribute("data-key")
        kind = box.get_attribute("data-kind")
        if kind == "yes_no":
            box.locator("input[value=false]").check()
            given[key] = "false"
        elif kind == "choice":
            radio = box.locator("input[type=radio]").first
            radio.check()
            given[key] = radio.get_attribute("value")
        else:
            text = f"Svar til {key}"
            box.locator("textarea").fill(text)
            box.locator("textarea").press("Tab")
            given[key] = text
        box.locator(".save-state", has_text=SAVED).wait_for(timeout=10_000)
    return given


def _sections(page) -> list[str]:
    return [a.get_attribute("href") for a in page.locator(".section-bar a.section-icon").all()]


def test_fill_a_whole_package_comment_a_red_figure_and_find_every_answer_again(
    live_server, page, db
):
    package_id = db.session.scalar(
        select(Package.id).join(Package.organisation).where(Organisation.number == 462)
    )
    # the register reports a vacancy in estate 1 far above the benchmark: a red figure
    estate_id = db.session.scalar(
        select(Estate.id).join(Organisation).where(Organisation.number == 462, Estate.number == 1)
    )
    benchmark = db.session.scalar(
        select(Benchmark.value).where(
            Benchmark.year == 2026, Benchmark.key == "vacancy_rate_family"
        )
    )
    figure = db.session.scalar(
        select(KeyFigureValue).where(
            KeyFigureValue.estate_id == estate_id,
            KeyFigureValue.year == 2026,
            KeyFigureValue.key == "vacancy_rate_family",
        )
    )
    figure.value = benchmark * 4
    db.session.commit()
    login(page, live_server, "boadm")
    page.goto(f"{live_server}/package/{package_id}/")
    form_links = [a.get_attribute("href") for a in page.locator("#package-forms a.btn").all()]
    assert len(form_links) == 3  # the report and two estate forms

    answers: dict[str, dict[str, str]] = {}
    red_commented = False
    for link in form_links:
        page.goto(live_server + link)
        for href in _sections(page):
            page.goto(live_server + href)
            has_red = page.locator(".flag-red").count() > 0
            given = _answer_section(page)
            if has_red and any(key.endswith("_comment") for key in given):
                red_commented = True
                screenshot(page, "red-figure-commented")
            answers[href] = given
        assert page.locator("#form-status").inner_text().strip() == "Udfyldt"

    assert red_commented, "the package holds a red key figure that needed a comment"
    page.goto(f"{live_server}/package/{package_id}/")
    assert page.locator("#package-status").inner_text() == "Helt udfyldt"
    screenshot(page, "package-complete")

    page.goto(f"{live_server}/logout/")
    login(page, live_server, "boadm")
    for href, given in answers.items():
        page.goto(live_server + href)
        for key, value in given.items():
            box = page.locator(f"#q-{key}")
            if box.get_attribute("data-kind") in ("yes_no", "choice"):
                assert box.locator(f"input[value='{value}']").is_checked(), (href, key)
            else:
                assert box.locator("textarea").input_value() == value, (href, key)
    page.goto(f"{live_server}/overview/")
    assert re.search(r"Helt udfyldt", page.locator("body").inner_text())
