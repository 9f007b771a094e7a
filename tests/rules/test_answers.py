"""What an answer may hold (app/rules/answers.py), checked against the shipped 2026.1 forms."""

import pytest

from app.questionnaires import load
from app.rules.answers import Checked, check_answer, condition_holds, is_answered

VERSION = "2026.1"


def _only_violation(checked: Checked):
    assert not checked.ok
    assert checked.value is None
    assert len(checked.violations) == 1
    return checked.violations[0]


# --- unknown questions and clearing ---------------------------------------------------------------


def test_unknown_question_key_is_refused(housing):
    violation = _only_violation(check_answer(housing, "q99_nonsense", True))
    assert violation.code == "unknown_question"
    assert violation.field == "q99_nonsense"
    assert violation.message


def test_unknown_question_is_refused_even_when_clearing(housing):
    assert _only_violation(check_answer(housing, "q99_nonsense", None)).code == "unknown_question"


def test_question_of_another_form_is_unknown(housing, estate):
    assert _only_violation(check_answer(housing, "a_challenges", True)).code == "unknown_question"
    assert _only_violation(check_answer(estate, "q8_status", "x")).code == "unknown_question"


def test_computed_item_key_is_not_an_answerable_question(housing, estate):
    assert _only_violation(check_answer(housing, "q7_estate_conclusions", "x")).code == (
        "unknown_question"
    )
    # a key figure table is read-only; only its comment is answered
    assert _only_violation(check_answer(estate, "maintenance_annual", "x")).code == (
        "unknown_question"
    )


@pytest.mark.parametrize(
    ("form", "key"),
    [
        ("HOUSING_REPORT", "q1_proposals"),
        ("HOUSING_REPORT", "q1_proposals_text"),
        ("HOUSING_REPORT", "q8_status"),
        ("ESTATE_FORM", "a_challenges"),
        ("ESTATE_FORM", "a_items"),
        ("ESTATE_FORM", "maintenance_condition"),
        ("ESTATE_FORM", "maintenance_annual_comment"),
        ("ADMIN_REPORT", "c_status"),
    ],
)
def test_none_clears_any_kind_of_answer(form, key):
    checked = check_answer(load(VERSION).form(form), key, None)
    assert checked.ok
    assert checked.value is None
    assert checked.violations == ()


# --- yes/no ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [True, False])
def test_yes_no_accepts_true_and_false(housing, value):
    checked = check_answer(housing, "q1_proposals", value)
    assert checked.ok
    assert checked.value is value


@pytest.mark.parametrize("value", ["yes", "true", "ja", "", 1, 0, [True], {"v": True}])
def test_yes_no_refuses_anything_but_a_boolean(housing, value):
    violation = _only_violation(check_answer(housing, "q1_proposals", value))
    assert violation.code == "not_yes_no"
    assert violation.field == "q1_proposals"


def test_estate_challenges_question_is_yes_no(estate):
    assert check_answer(estate, "a_challenges", False).value is False
    assert _only_violation(check_answer(estate, "a_challenges", "nej")).code == "not_yes_no"


# --- text -----------------------------------------------------------------------------------------


def test_text_is_kept_as_given(housing):
    checked = check_answer(housing, "q8_status", "Aftalen om helhedsplan er gennemført.")
    assert checked.ok
    assert checked.value == "Aftalen om helhedsplan er gennemført."


def test_text_with_inner_and_surrounding_spaces_keeps_them(housing):
    assert check_answer(housing, "q8_status", "  a  b \n").value == "  a  b \n"


@pytest.mark.parametrize("value", ["", " ", "   ", "\n\t  \n"])
def test_whitespace_only_text_normalises_to_none(housing, value):
    checked = check_answer(housing, "q8_status", value)
    assert checked.ok
    assert checked.value is None


def test_text_exactly_at_max_length_is_accepted(housing):
    text = "x" * 4000
    assert check_answer(housing, "q1_proposals_text", text).value == text


def test_text_longer_than_max_length_is_refused(housing):
    violation = _only_violation(check_answer(housing, "q1_proposals_text", "x" * 4001))
    assert violation.code == "too_long"
    assert violation.field == "q1_proposals_text"
    assert violation.params_dict() == {"max": 4000}


def test_oversized_comment_of_a_key_figure_table_is_refused(estate):
    violation = _only_violation(check_answer(estate, "maintenance_annual_comment", "y" * 4001))
    assert violation.code == "too_long"
    assert violation.params_dict() == {"max": 4000}


def test_comment_of_a_key_figure_table_accepts_text(estate):
    assert check_answer(estate, "maintenance_annual_comment", "Forklaring").value == "Forklaring"


@pytest.mark.parametrize("value", [True, 42, 3.5, ["tekst"], {"text": "x"}])
def test_text_question_refuses_anything_but_a_string(housing, value):
    violation = _only_violation(check_answer(housing, "q8_status", value))
    assert violation.code == "not_text"
    assert violation.field == "q8_status"


def test_admin_status_text_is_checked_like_any_text(admin):
    assert check_answer(admin, "c_status", "Status").value == "Status"
    assert _only_violation(check_answer(admin, "c_status", "x" * 4001)).code == "too_long"


# --- choice ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["satisfactory", "less_satisfactory", "not_satisfactory"])
def test_choice_accepts_each_of_its_options(estate, value):
    checked = check_answer(estate, "maintenance_condition", value)
    assert checked.ok
    assert checked.value == value


@pytest.mark.parametrize(
    "value", ["excellent", "Tilfredsstillende", "SATISFACTORY", " satisfactory", "", True, 1]
)
def test_choice_outside_the_options_is_refused(estate, value):
    violation = _only_violation(check_answer(estate, "maintenance_condition", value))
    assert violation.code == "not_an_option"
    assert violation.field == "maintenance_condition"


@pytest.mark.parametrize("value", [["satisfactory"], {"value": "satisfactory"}])
def test_choice_given_a_list_or_mapping_is_refused_not_crashed(estate, value):
    # the autosave endpoint takes JSON, so a list or object can arrive as the value
    violation = _only_violation(check_answer(estate, "maintenance_condition", value))
    assert violation.code == "not_an_option"


# --- prioritised list -----------------------------------------------------------------------------


def test_list_items_are_stripped_and_empty_lines_dropped(estate):
    checked = check_answer(estate, "a_items", ["  Fugt i kældre ", "", "   ", "\tHærværk\n"])
    assert checked.ok
    assert checked.value == ["Fugt i kældre", "Hærværk"]


def test_list_keeps_the_order_of_priority(estate):
    assert check_answer(estate, "a_items", ["c", "a", "b"]).value == ["c", "a", "b"]


@pytest.mark.parametrize("value", [[], [""], ["  ", "\n"]])
def test_list_with_only_empty_lines_normalises_to_none(estate, value):
    checked = check_answer(estate, "a_items", value)
    assert checked.ok
    assert checked.value is None


def test_list_with_exactly_max_items_is_accepted(estate):
    items = [f"Punkt {i}" for i in range(10)]
    assert check_answer(estate, "a_items", items).value == items


def test_list_with_too_many_items_is_refused(estate):
    violation = _only_violation(check_answer(estate, "a_items", [f"P{i}" for i in range(11)]))
    assert violation.code == "too_many_items"
    assert violation.field == "a_items"
    assert violation.params_dict() == {"max": 10}


def test_empty_lines_do_not_count_towards_max_items(estate):
    items = [f"P{i}" for i in range(10)] + ["", "  ", ""]
    assert check_answer(estate, "a_items", items).value == [f"P{i}" for i in range(10)]


def test_list_item_exactly_at_max_length_is_accepted(estate):
    assert check_answer(estate, "a_items", ["x" * 500]).value == ["x" * 500]


def test_list_item_at_max_length_after_stripping_is_accepted(estate):
    assert check_answer(estate, "a_items", ["  " + "x" * 500 + "  "]).value == ["x" * 500]


def test_list_item_too_long_is_refused(estate):
    violation = _only_violation(check_answer(estate, "a_items", ["kort", "x" * 501]))
    assert violation.code == "item_too_long"
    assert violation.field == "a_items"
    assert violation.params_dict() == {"max": 500}


@pytest.mark.parametrize("value", ["Fugt i kældre", ("a", "b"), {"a": 1}, True, 7])
def test_non_list_for_a_list_is_refused(estate, value):
    violation = _only_violation(check_answer(estate, "a_items", value))
    assert violation.code == "not_a_list"
    assert violation.field == "a_items"


@pytest.mark.parametrize("value", [["a", 1], [None], [["nested"]], ["a", True]])
def test_list_with_a_non_text_item_is_refused(estate, value):
    assert _only_violation(check_answer(estate, "a_items", value)).code == "not_a_list"


# --- is_answered ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [True, False, "x", " x ", ["a"], "satisfactory", 0])
def test_given_values_count_as_answered(value):
    assert is_answered(value)


@pytest.mark.parametrize("value", [None, "", "   ", "\n\t", []])
def test_none_empty_and_whitespace_are_not_answered(value):
    assert not is_answered(value)


def test_a_no_is_an_answer():
    assert is_answered(False)


# --- condition_holds ------------------------------------------------------------------------------


def test_condition_holds_when_the_named_yes_no_has_the_named_value():
    assert condition_holds({"q1_proposals": True}, {"q1_proposals": True})
    assert condition_holds({"q1_proposals": False}, {"q1_proposals": False})


def test_condition_fails_when_the_yes_no_has_the_other_value():
    assert not condition_holds({"q1_proposals": True}, {"q1_proposals": False})
    assert not condition_holds({"q1_proposals": False}, {"q1_proposals": True})


def test_condition_fails_when_the_yes_no_is_unanswered():
    assert not condition_holds({"q1_proposals": True}, {})
    assert not condition_holds({"q1_proposals": True}, {"q1_proposals": None})
    # an unanswered question is not a "no" either
    assert not condition_holds({"q1_proposals": False}, {})


@pytest.mark.parametrize("value", ["true", "yes", 1, "True"])
def test_condition_needs_a_real_boolean(value):
    assert not condition_holds({"q1_proposals": True}, {"q1_proposals": value})


def test_condition_with_several_keys_needs_all_of_them():
    condition = {"a": True, "b": False}
    assert condition_holds(condition, {"a": True, "b": False})
    assert not condition_holds(condition, {"a": True, "b": True})
    assert not condition_holds(condition, {"a": True})


@pytest.mark.parametrize("condition", [None, {}])
def test_no_condition_never_holds(condition):
    assert not condition_holds(condition, {"q1_proposals": True})


def test_shipped_required_when_holds_on_the_yes_answer(housing, estate):
    assert condition_holds(
        housing.question("q1_proposals_text").required_when, {"q1_proposals": True}
    )
    assert not condition_holds(
        housing.question("q1_proposals_text").required_when, {"q1_proposals": False}
    )
    assert condition_holds(estate.question("a_items").required_when, {"a_challenges": True})
