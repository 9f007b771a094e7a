"""The form pages with the keyboard alone (WCAG 2.1.1, 2.4.7, 3.3.1): an estate form filled
from its first field to "Udfyldt" with Tab, Shift+Tab, Space, arrow keys and Enter; every
control reached, the focus always visible; and the error summary shown when a section with
missing answers is left, never on the first arrival."""

import re

import pytest

from tests.conftest import estate_form_id
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e

SAVED = re.compile(r"^Gemt \d\d:\d\d$")

# what the focused element is, and whether its focus can be seen
FOCUSED = """() => {
  const el = document.activeElement;
  const box = el.closest('.question');
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '',
    id: el.id || '', rel: el.rel || '', href: el.getAttribute('href') || '',
    text: (el.innerText || '').trim(), inForm: !!el.closest('#form-page'),
    key: box ? box.dataset.key : null, kind: box ? box.dataset.kind : null,
    required: box ? !!box.querySelector('.required-mark') : false,
    answered: box ? (box.dataset.kind === 'yes_no' || box.dataset.kind === 'choice'
      ? !!box.querySelector('input:checked') : box.querySelector('textarea').value.trim() !== '')
      : false,
    outline: style.outlineStyle === 'none' ? 'none' : style.outlineWidth,
    shadow: style.boxShadow,
  };
}"""

# a control's name in the test: a radio group counts once
REACHED_ID = (
    "el => el.type === 'radio' ? 'radio:' + el.name : el.tagName.toLowerCase() + ':' + "
    "(el.id || el.getAttribute('href') || el.getAttribute('aria-controls') || el.innerText.trim())"
)
# every control of the page a keyboard user must be able to reach
CONTROLS = f"""() => Array.from(document.querySelectorAll(
    '#form-page a[href], #form-page button, #form-page textarea, #form-page input[type=radio]'))
  .filter(el => el.offsetParent !== null && !el.disabled).map({REACHED_ID})"""


def _saved(page, key: str) -> None:
    page.locator(f"#q-{key} .save-state", has_text=SAVED).wait_for(timeout=10_000)


def _fill_section_by_keyboard(page, state: dict) -> dict:
    """Tab through the section from the top of the page, answering each required question
    that has no answer; returns the focused pager link that ends the section."""
    expected = set(page.evaluate(CONTROLS))
    reached = set()
    for _ in range(300):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not focused["inForm"]:
            continue
        assert focused["outline"] != "none" or focused["shadow"] != "none", (
            f"no visible focus on {focused}"
        )
        reached.add(page.evaluate(f"({REACHED_ID})(document.activeElement)"))
        if focused["tag"] == "button" and "help-toggle" in page.evaluate(
            "document.activeElement.className"
        ):
            if not state["help_opened"]:
                # the help opens with Enter and says so (aria-expanded)
                page.keyboard.press("Enter")
                target = page.evaluate("document.activeElement.getAttribute('aria-controls')")
                page.locator(f"#{target}").wait_for(state="visible")
                assert page.evaluate("document.activeElement.getAttribute('aria-expanded')") == (
                    "true"
                )
                state["help_opened"] = True
            continue
        if focused["key"] and focused["required"] and not focused["answered"]:
            if focused["kind"] == "yes_no":
                # focus lands on "Ja"; the right arrow moves to "Nej" and chooses it
                page.keyboard.press("ArrowRight")
                assert page.evaluate("document.activeElement.value") == "false"
            elif focused["kind"] == "choice":
                page.keyboard.press("Space")
            else:
                page.keyboard.type(f"Svar til {focused['key']}")
                page.keyboard.press("Tab")  # leaving the field saves it
                page.keyboard.press("Shift+Tab")  # and back, to go on from there
                assert page.evaluate("document.activeElement.name") == focused["key"]
            _saved(page, focused["key"])
            state["answered"].append(focused["key"])
            continue
        if (
            focused["tag"] == "a"
            and page.evaluate("!!document.activeElement.closest('.section-pager')")
            and (focused["rel"] == "next" or "/package/" in focused["href"])
        ):
            missing = (
                expected - reached - {page.evaluate(f"({REACHED_ID})(document.activeElement)")}
            )
            # the pager's last link is the page's last control of the form
            assert not missing, f"controls never reached by Tab: {missing}"
            return focused
    raise AssertionError("the end of the section was never reached with Tab")


def test_an_estate_form_is_filled_to_done_with_the_keyboard_alone(live_server, page, db):
    form_id = estate_form_id(db)
    login(page, live_server, "bo")
    page.goto(f"{live_server}/form/{form_id}/")
    state = {"answered": [], "help_opened": False}
    sections = 0
    while True:
        sections += 1
        end = _fill_section_by_keyboard(page, state)
        if end["rel"] != "next":
            break
        with page.expect_navigation():
            page.keyboard.press("Enter")
        # a completed section left: no error summary on the next one
        assert page.locator("#error-summary").count() == 0

    assert page.locator("#form-status").inner_text().strip() == "Udfyldt"
    assert sections == 4
    assert state["help_opened"]
    # the estate's required questions: A, the maintenance assessment, the estate board, and the
    # comment under every table with a yellow or red figure
    assert {"a_challenges", "maintenance_condition", "has_estate_board"} <= set(state["answered"])
    assert page.locator(".section-bar .section-status-text").all_inner_texts() == ["Udfyldt"] * 4
    with page.expect_navigation():
        page.keyboard.press("Enter")  # "Tilbage til dokumentationspakken"
    row = page.locator(f"#package-forms tr[data-form-id='{form_id}']")
    assert "Udfyldt" in row.inner_text()


def test_leaving_a_section_with_missing_answers_shows_an_error_summary_linking_to_the_fields(
    live_server, page, db
):
    form_id = estate_form_id(db)
    login(page, live_server, "bo")
    page.goto(f"{live_server}/form/{form_id}/conclusion")
    # the first arrival: nothing is in error yet
    assert page.locator("#error-summary").count() == 0
    assert page.locator(".question.missing, [aria-invalid]").count() == 0
    assert page.locator(".form-error-message").count() == 0

    # leave the section with the keyboard, its required question unanswered
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.rel") == "next":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/economy" in page.url
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.id") == "error-summary"  # focus moved there
    assert summary.locator("h2").inner_text() == "Der er problemer"
    links = summary.locator("a")
    assert links.count() == 1
    assert links.first.get_attribute("href").endswith(
        f"/form/{form_id}/conclusion?from=conclusion#input-a_challenges"
    )
    assert "Er der særlige udfordringer" in links.first.inner_text()
    screenshot(page, "error-summary-after-leaving")

    # the link leads to the field, focused, marked invalid and described by its error
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "input-a_challenges"
    radios = page.locator("#q-a_challenges input[type=radio]")
    assert radios.evaluate_all("rs => rs.map(r => r.getAttribute('aria-invalid'))") == [
        "true",
        "true",
    ]
    fieldset = page.locator("#q-a_challenges fieldset")
    assert fieldset.locator("legend").inner_text().startswith("Er der særlige udfordringer")
    assert fieldset.get_attribute("aria-describedby") == "error-a_challenges"
    assert (
        page.locator("#error-a_challenges")
        .inner_text()
        .endswith("Skal besvares, før skemaet er udfyldt.")
    )
    screenshot(page, "error-summary-on-the-section")

    # answering it clears the mark and the summary
    page.keyboard.press("ArrowRight")
    _saved(page, "a_challenges")
    page.locator("#error-summary").wait_for(state="detached")
    assert radios.evaluate_all("rs => rs.map(r => r.getAttribute('aria-invalid'))") == [
        None,
        None,
    ]
    # "Tjek afsnittet" now finds nothing missing
    page.locator("#check-section").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#error-summary").count() == 0
    assert page.locator("#section-checked").is_visible()


def test_tjek_afsnittet_lists_what_the_section_misses(live_server, page, db):
    form_id = estate_form_id(db)
    login(page, live_server, "bo")
    page.goto(f"{live_server}/form/{form_id}/resident_democracy")
    assert page.locator("#error-summary").count() == 0
    page.locator("#check-section").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    assert summary.locator("a").get_attribute("href") == "#input-has_estate_board"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # an in-page link: the field takes the focus
    assert page.evaluate("document.activeElement.id") == "input-has_estate_board"
    assert page.locator("#q-has_estate_board").get_attribute("class").split().count("missing")


# the colour of text in error: only a missing answer the user has been told of, or a red flag
ERROR_RED_TEXT = """() => Array.from(document.querySelectorAll('#form-page *'))
  .filter(el => el.offsetParent !== null && el.childNodes.length
    && Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())
    && getComputedStyle(el).color === 'rgb(181, 29, 9)'
    && !el.closest('.figure-row'))
  .map(el => el.className + ': ' + el.innerText.trim().slice(0, 40))"""


def test_a_flagged_figure_is_told_as_information_not_as_an_error_on_the_first_arrival(
    live_server, page, db
):
    from app.models import Form
    from app.services import forms as service

    form = db.session.get(Form, estate_form_id(db))
    definition = service.definition_of(form)
    flagged = service.flagged_items(definition, service.form_figures(form, definition))
    assert flagged, "the demo estate has a yellow or red figure"
    section = next(s.key for s in definition.sections if any(i.key in flagged for i in s.items))
    login(page, live_server, "bo")
    page.goto(f"{live_server}/form/{form.id}/{section}")
    note = page.locator(".critical-note").first
    assert note.is_visible()
    assert note.evaluate("el => getComputedStyle(el).color") == "rgb(26, 26, 26)"
    assert page.evaluate(ERROR_RED_TEXT) == []
    assert page.locator(".form-error-message, #error-summary, [aria-invalid]").count() == 0
    screenshot(page, "flagged-figure-first-arrival")
