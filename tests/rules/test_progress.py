"""Section, form and package status derived from the answers (app/rules/progress.py), on the
shipped 2026.1 forms."""

import pytest

from app.rules.enums import EstateState, FormStatus, PackageStatus
from app.rules.progress import (
    ANSWER_REQUIRED,
    COMMENT_REQUIRED,
    applicable_sections,
    derived_package_status,
    form_progress,
    required_keys,
    section_progress,
)

VERSION = "2026.1"

# every required answer of each form, with all yes/no questions answered "no"
HOUSING_DONE = {
    "q1_proposals": False,
    "q2_strategy": False,
    "q3_construction": False,
    "q4_efficiency": False,
    "q4_efficiency_text": "Effektivitetstallene peger ikke på forbedringsområder.",
    "q5_governance": False,
    "q6_new_estates": False,
    "q8_status": "Alle aftaler er fulgt op.",
}
ADMIN_DONE = {
    "q1_proposals": False,
    "q2_strategy": False,
    "q3_construction": False,
    "q4_efficiency": False,
    "q5_governance": False,
    "c_status": "Ingen tidligere aftaler.",
}
ESTATE_DONE = {
    "a_challenges": False,
    "maintenance_condition": "satisfactory",
    "has_estate_board": True,
}


def _missing_fields(progress):
    return [v.field for v in progress.missing]


# --- required_keys --------------------------------------------------------------------------------


def test_required_keys_are_the_required_questions_without_answers(housing):
    keys = required_keys(housing.section("organisation"), {}, frozenset())
    assert keys == [
        ("q1_proposals", ANSWER_REQUIRED),
        ("q2_strategy", ANSWER_REQUIRED),
        ("q3_construction", ANSWER_REQUIRED),
        ("q4_efficiency", ANSWER_REQUIRED),
        ("q4_efficiency_text", ANSWER_REQUIRED),
        ("q5_governance", ANSWER_REQUIRED),
    ]


def test_required_keys_add_the_text_whose_yes_no_is_true(housing):
    keys = required_keys(housing.section("organisation"), {"q2_strategy": True}, frozenset())
    assert [k for k, _ in keys] == [
        "q1_proposals",
        "q2_strategy",
        "q2_strategy_text",
        "q3_construction",
        "q4_efficiency",
        "q4_efficiency_text",
        "q5_governance",
    ]
    assert dict(keys)["q2_strategy_text"] == ANSWER_REQUIRED


def test_required_keys_add_a_flagged_table_comment_with_its_own_reason(estate):
    keys = required_keys(estate.section("economy"), {}, frozenset({"maintenance_annual"}))
    assert ("maintenance_annual_comment", COMMENT_REQUIRED) in keys
    assert "maintenance_accumulated_comment" not in dict(keys)


def test_computed_parts_never_require_an_answer_of_their_own(housing):
    assert required_keys(housing.section("estate_facts"), {}, frozenset()) == []
    assert required_keys(housing.section("efficiency_annex"), {}, frozenset()) == []


# --- section_progress -----------------------------------------------------------------------------


def test_section_without_answers_is_not_started(housing):
    progress = section_progress(housing.section("organisation"), {})
    assert progress.key == "organisation"
    assert progress.status == FormStatus.NOT_STARTED
    assert _missing_fields(progress) == [
        "q1_proposals",
        "q2_strategy",
        "q3_construction",
        "q4_efficiency",
        "q4_efficiency_text",
        "q5_governance",
    ]
    assert all(v.code == "answer_required" for v in progress.missing)


def test_section_with_some_answers_is_in_progress(housing):
    progress = section_progress(housing.section("organisation"), {"q1_proposals": False})
    assert progress.status == FormStatus.IN_PROGRESS
    assert "q1_proposals" not in _missing_fields(progress)
    assert len(progress.missing) == 5


def test_section_with_every_required_answer_is_done(housing):
    progress = section_progress(housing.section("organisation"), HOUSING_DONE)
    assert progress.status == FormStatus.DONE
    assert progress.missing == ()


def test_a_no_answers_a_required_yes_no(estate):
    progress = section_progress(estate.section("resident_democracy"), {"has_estate_board": False})
    assert progress.status == FormStatus.DONE


def test_single_required_text_section_is_done_once_answered(housing):
    section = housing.section("previous_matters")
    assert section_progress(section, {}).status == FormStatus.NOT_STARTED
    assert section_progress(section, {"q8_status": "Status"}).status == FormStatus.DONE


def test_whitespace_text_does_not_answer_a_required_question(housing):
    progress = section_progress(housing.section("previous_matters"), {"q8_status": "   "})
    assert progress.status == FormStatus.NOT_STARTED
    assert _missing_fields(progress) == ["q8_status"]


def test_answering_only_an_optional_question_starts_the_section(estate):
    progress = section_progress(
        estate.section("economy"), {"maintenance_condition_comment": "Tagene er skiftet."}
    )
    assert progress.status == FormStatus.IN_PROGRESS
    assert _missing_fields(progress) == ["maintenance_condition"]


def test_section_with_nothing_required_is_done_without_answers(housing):
    assert section_progress(housing.section("organisation_facts"), {}).status == FormStatus.DONE


def test_missing_violations_point_at_their_question(housing):
    (violation,) = section_progress(housing.section("previous_matters"), {}).missing
    assert violation.field == "q8_status"
    assert violation.code == ANSWER_REQUIRED.code
    assert violation.message == ANSWER_REQUIRED.message


# --- required_when --------------------------------------------------------------------------------


def test_conditional_text_is_required_when_its_yes_no_is_true(housing):
    answers = {**HOUSING_DONE, "q1_proposals": True}
    progress = section_progress(housing.section("organisation"), answers)
    assert progress.status == FormStatus.IN_PROGRESS
    assert _missing_fields(progress) == ["q1_proposals_text"]


def test_conditional_text_once_given_completes_the_section(housing):
    answers = {**HOUSING_DONE, "q1_proposals": True, "q1_proposals_text": "Fælles helhedsplan"}
    assert section_progress(housing.section("organisation"), answers).status == FormStatus.DONE


def test_conditional_text_is_not_required_when_its_yes_no_is_false(housing):
    progress = section_progress(housing.section("organisation"), HOUSING_DONE)
    assert "q1_proposals_text" not in _missing_fields(progress)
    assert progress.status == FormStatus.DONE


def test_conditional_text_is_not_required_while_its_yes_no_is_unanswered(housing):
    progress = section_progress(housing.section("organisation"), {})
    missing_texts = [field for field in _missing_fields(progress) if field.endswith("_text")]
    assert missing_texts == ["q4_efficiency_text"]  # required whatever the answer


def test_efficiency_targets_are_required_when_question_4_is_answered_no(housing):
    """Almenboligloven § 14 b, stk. 4: the board's efficiency targets appear in the report,
    so question 4's text is required with a "nej" as with a "ja"."""
    answers = {k: v for k, v in HOUSING_DONE.items() if k != "q4_efficiency_text"}
    assert answers["q4_efficiency"] is False
    progress = section_progress(housing.section("organisation"), answers)
    assert progress.status == FormStatus.IN_PROGRESS
    assert _missing_fields(progress) == ["q4_efficiency_text"]
    assert form_progress(housing, answers).status == FormStatus.IN_PROGRESS


def test_conditional_text_given_with_a_no_does_no_harm(housing):
    answers = {**HOUSING_DONE, "q1_proposals_text": "Overflødig tekst"}
    assert section_progress(housing.section("organisation"), answers).status == FormStatus.DONE


def test_conditional_text_of_only_whitespace_leaves_it_missing(housing):
    answers = {**HOUSING_DONE, "q1_proposals": True, "q1_proposals_text": " \n "}
    progress = section_progress(housing.section("organisation"), answers)
    assert progress.status == FormStatus.IN_PROGRESS
    assert _missing_fields(progress) == ["q1_proposals_text"]


def test_a_yes_to_question_6_alone_completes_part_ii(housing):
    """Bilag 3 asks question 6 without "Hvis ja, hvilke?": a "ja" asks for nothing more."""
    progress = section_progress(housing.section("estates"), {"q6_new_estates": True})
    assert progress.status == FormStatus.DONE


def test_challenge_items_are_required_when_the_estate_has_challenges(estate):
    section = estate.section("conclusion")
    progress = section_progress(section, {"a_challenges": True})
    assert progress.status == FormStatus.IN_PROGRESS
    assert _missing_fields(progress) == ["a_items"]
    assert section_progress(section, {"a_challenges": True, "a_items": []}).status == (
        FormStatus.IN_PROGRESS
    )
    done = section_progress(section, {"a_challenges": True, "a_items": ["Fugt i kældre"]})
    assert done.status == FormStatus.DONE


def test_challenge_items_are_not_required_without_challenges(estate):
    assert section_progress(estate.section("conclusion"), {"a_challenges": False}).status == (
        FormStatus.DONE
    )


# --- comments of flagged key figure tables --------------------------------------------------------


def test_table_comment_is_not_required_when_the_table_is_not_flagged(estate):
    progress = section_progress(
        estate.section("economy"), {"maintenance_condition": "satisfactory"}
    )
    assert progress.status == FormStatus.DONE


def test_table_comment_is_required_when_the_table_is_flagged(estate):
    progress = section_progress(
        estate.section("economy"),
        {"maintenance_condition": "satisfactory"},
        frozenset({"maintenance_annual"}),
    )
    assert progress.status == FormStatus.IN_PROGRESS
    (violation,) = progress.missing
    assert violation.field == "maintenance_annual_comment"
    assert violation.code == "comment_required"


def test_flagged_table_comment_once_given_completes_the_section(estate):
    answers = {"maintenance_condition": "satisfactory", "maintenance_annual_comment": "Forklaring"}
    progress = section_progress(
        estate.section("economy"), answers, frozenset({"maintenance_annual"})
    )
    assert progress.status == FormStatus.DONE


def test_flag_on_another_table_requires_only_that_tables_comment(estate):
    progress = section_progress(
        estate.section("economy"),
        {"maintenance_condition": "satisfactory"},
        frozenset({"maintenance_accumulated"}),
    )
    assert _missing_fields(progress) == ["maintenance_accumulated_comment"]


def test_flagged_table_in_another_section_does_not_touch_this_one(estate):
    progress = section_progress(
        estate.section("economy"), {"maintenance_condition": "satisfactory"}, frozenset({"vacancy"})
    )
    assert progress.status == FormStatus.DONE


def test_flagged_table_in_an_untouched_section_is_not_started(estate):
    progress = section_progress(estate.section("letting"), {}, frozenset({"move_out", "vacancy"}))
    assert progress.status == FormStatus.NOT_STARTED
    assert _missing_fields(progress) == ["move_out_comment", "vacancy_comment"]


def test_answering_the_flagged_comment_alone_starts_the_section(estate):
    progress = section_progress(
        estate.section("economy"),
        {"maintenance_annual_comment": "Forklaring"},
        frozenset({"maintenance_annual"}),
    )
    assert progress.status == FormStatus.IN_PROGRESS
    assert _missing_fields(progress) == ["maintenance_condition"]


def test_flagged_accounts_table_requires_its_comment_in_the_housing_report(housing):
    section = housing.section("organisation_facts")
    progress = section_progress(section, {}, frozenset({"accounts_key_figures"}))
    assert progress.status == FormStatus.NOT_STARTED
    assert _missing_fields(progress) == ["accounts_comment"]
    done = section_progress(
        section, {"accounts_comment": "Kendt"}, frozenset({"accounts_key_figures"})
    )
    assert done.status == FormStatus.DONE


# --- applicable sections --------------------------------------------------------------------------


def test_estate_under_construction_fills_only_part_a(estate):
    assert [s.key for s in applicable_sections(estate, "UNDER_CONSTRUCTION")] == ["conclusion"]


def test_estate_in_operation_fills_all_four_sections(estate):
    assert [s.key for s in applicable_sections(estate, "IN_OPERATION")] == [
        "conclusion",
        "economy",
        "resident_democracy",
        "letting",
    ]


def test_estate_state_enum_and_lower_case_are_understood(estate):
    assert [s.key for s in applicable_sections(estate, EstateState.UNDER_CONSTRUCTION)] == [
        "conclusion"
    ]
    assert len(applicable_sections(estate, "in_operation")) == 4


def test_form_without_an_estate_state_has_every_section(housing, estate):
    assert [s.key for s in applicable_sections(housing, None)] == [s.key for s in housing.sections]
    assert len(applicable_sections(estate, None)) == 4


def test_organisation_reports_apply_whatever_the_state(housing):
    assert len(applicable_sections(housing, "UNDER_CONSTRUCTION")) == len(housing.sections)


# --- form_progress --------------------------------------------------------------------------------


def test_form_without_answers_is_not_started(housing):
    progress = form_progress(housing, {})
    assert progress.status == FormStatus.NOT_STARTED
    assert [s.key for s in progress.sections] == [s.key for s in housing.sections]


def test_form_with_some_answers_is_in_progress(housing):
    assert form_progress(housing, {"q1_proposals": False}).status == FormStatus.IN_PROGRESS


def test_form_with_every_required_answer_is_done(housing, admin):
    assert form_progress(housing, HOUSING_DONE).status == FormStatus.DONE
    assert form_progress(admin, ADMIN_DONE).status == FormStatus.DONE
    assert form_progress(housing, HOUSING_DONE).missing == ()


def test_form_missing_lists_every_sections_missing_answers(housing):
    progress = form_progress(housing, {})
    assert _missing_fields(progress) == [
        "q1_proposals",
        "q2_strategy",
        "q3_construction",
        "q4_efficiency",
        "q4_efficiency_text",
        "q5_governance",
        "q6_new_estates",
        "q8_status",
    ]


def test_form_with_only_whitespace_or_empty_answers_is_not_started(housing):
    assert form_progress(housing, {"q8_status": "  ", "q1_proposals": None}).status == (
        FormStatus.NOT_STARTED
    )


def test_an_answer_to_a_question_the_form_no_longer_has_does_not_start_it(housing):
    """Question 6 of Bilag 3 lost its "Hvis ja, hvilke?"; a text stored for it is no answer."""
    progress = form_progress(housing, {"q6_new_estates_text": "Seniorbofællesskab"})
    assert progress.status == FormStatus.NOT_STARTED


def test_form_with_one_answer_missing_is_in_progress(housing):
    answers = {k: v for k, v in HOUSING_DONE.items() if k != "q8_status"}
    progress = form_progress(housing, answers)
    assert progress.status == FormStatus.IN_PROGRESS
    assert _missing_fields(progress) == ["q8_status"]


def test_estate_under_construction_is_done_with_part_a_only(estate):
    progress = form_progress(estate, {"a_challenges": False}, "UNDER_CONSTRUCTION")
    assert progress.status == FormStatus.DONE
    assert [s.key for s in progress.sections] == ["conclusion"]


def test_estate_in_operation_with_part_a_only_is_in_progress(estate):
    progress = form_progress(estate, {"a_challenges": False}, "IN_OPERATION")
    assert progress.status == FormStatus.IN_PROGRESS
    assert _missing_fields(progress) == ["maintenance_condition", "has_estate_board"]


def test_estate_in_operation_is_done_with_every_section_answered(estate):
    progress = form_progress(estate, ESTATE_DONE, "IN_OPERATION")
    assert progress.status == FormStatus.DONE
    assert [s.status for s in progress.sections] == [FormStatus.DONE] * 4


def test_flagged_table_keeps_a_complete_estate_form_in_progress(estate):
    progress = form_progress(estate, ESTATE_DONE, "IN_OPERATION", frozenset({"maintenance_annual"}))
    assert progress.status == FormStatus.IN_PROGRESS
    assert _missing_fields(progress) == ["maintenance_annual_comment"]
    answers = {**ESTATE_DONE, "maintenance_annual_comment": "Henlæggelserne hæves næste år."}
    assert form_progress(
        estate, answers, "IN_OPERATION", frozenset({"maintenance_annual"})
    ).status == (FormStatus.DONE)


def test_flagged_table_of_a_section_that_does_not_apply_is_ignored(estate):
    progress = form_progress(
        estate, {"a_challenges": False}, "UNDER_CONSTRUCTION", frozenset({"maintenance_annual"})
    )
    assert progress.status == FormStatus.DONE


def test_clearing_a_required_answer_takes_a_done_form_back_to_in_progress(housing):
    answers = {**HOUSING_DONE, "q8_status": None}
    assert form_progress(housing, answers).status == FormStatus.IN_PROGRESS


# --- derived package status -----------------------------------------------------------------------

NS, IP, DONE = FormStatus.NOT_STARTED, FormStatus.IN_PROGRESS, FormStatus.DONE


def test_ready_package_without_answers_stays_ready():
    assert derived_package_status(PackageStatus.READY, [NS, NS], False) == PackageStatus.READY


def test_ready_package_goes_in_progress_at_the_first_answer():
    assert derived_package_status(PackageStatus.READY, [IP, NS], True) == PackageStatus.IN_PROGRESS


def test_ready_package_with_an_answer_but_no_started_form_goes_in_progress():
    # an answer that leaves every form not started (say a cleared one) still started the work
    assert derived_package_status(PackageStatus.READY, [NS], True) == PackageStatus.IN_PROGRESS


def test_in_progress_package_is_complete_when_every_form_is_done():
    status = derived_package_status(PackageStatus.IN_PROGRESS, [DONE, DONE, DONE], True)
    assert status == PackageStatus.COMPLETE


def test_ready_package_whose_forms_are_all_done_is_complete():
    assert derived_package_status(PackageStatus.READY, [DONE, DONE], True) == PackageStatus.COMPLETE


def test_package_with_one_form_not_done_is_not_complete():
    status = derived_package_status(PackageStatus.IN_PROGRESS, [DONE, IP, DONE], True)
    assert status == PackageStatus.IN_PROGRESS


def test_complete_package_stays_complete_while_every_form_is_done():
    status = derived_package_status(PackageStatus.COMPLETE, [DONE, DONE], True)
    assert status == PackageStatus.COMPLETE


def test_complete_package_goes_back_in_progress_when_a_form_becomes_incomplete():
    status = derived_package_status(PackageStatus.COMPLETE, [DONE, IP], True)
    assert status == PackageStatus.IN_PROGRESS


def test_complete_package_never_goes_back_to_ready_even_without_answers():
    status = derived_package_status(PackageStatus.COMPLETE, [NS, NS], False)
    assert status == PackageStatus.IN_PROGRESS


def test_in_progress_package_never_goes_back_to_ready_when_answers_are_cleared():
    status = derived_package_status(PackageStatus.IN_PROGRESS, [NS, NS], False)
    assert status == PackageStatus.IN_PROGRESS


def test_package_without_forms_is_not_complete():
    assert derived_package_status(PackageStatus.READY, [], False) == PackageStatus.READY
    assert derived_package_status(PackageStatus.IN_PROGRESS, [], True) == PackageStatus.IN_PROGRESS


def test_form_statuses_may_be_any_iterable():
    status = derived_package_status(PackageStatus.IN_PROGRESS, iter([DONE, DONE]), True)
    assert status == PackageStatus.COMPLETE


@pytest.mark.parametrize(
    "submitted",
    [PackageStatus.SUBMITTED, PackageStatus.MEETING_HELD, PackageStatus.STATEMENT_GIVEN],
)
@pytest.mark.parametrize(
    ("statuses", "any_answer"),
    [([DONE, DONE], True), ([DONE, IP], True), ([NS, NS], False), ([], False), ([NS], True)],
)
def test_submitted_package_status_is_never_derived_from_the_answers(
    submitted, statuses, any_answer
):
    assert derived_package_status(submitted, statuses, any_answer) == submitted


def test_package_status_follows_a_whole_filling_session(housing, estate):
    """READY -> IN_PROGRESS -> COMPLETE -> IN_PROGRESS, with statuses from the real forms."""
    status = PackageStatus.READY

    def step(housing_answers, estate_answers):
        forms = [
            form_progress(housing, housing_answers).status,
            form_progress(estate, estate_answers, "IN_OPERATION").status,
        ]
        any_answer = bool(housing_answers or estate_answers)
        return derived_package_status(status, forms, any_answer)

    status = step({}, {})
    assert status == PackageStatus.READY
    status = step({"q1_proposals": True}, {})
    assert status == PackageStatus.IN_PROGRESS
    status = step({**HOUSING_DONE, "q1_proposals": True, "q1_proposals_text": "Ja"}, ESTATE_DONE)
    assert status == PackageStatus.COMPLETE
    status = step({**HOUSING_DONE, "q1_proposals": True}, ESTATE_DONE)
    assert status == PackageStatus.IN_PROGRESS
    status = step({}, {})
    assert status == PackageStatus.IN_PROGRESS
