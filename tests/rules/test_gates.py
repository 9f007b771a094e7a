"""The gates the workflow table names: every reason at once, worked out by hand."""

import datetime as dt

import pytest

from app.rules.enums import FormStatus
from app.rules.enums import PackageStatus as S
from app.rules.gates import (
    GUARDS,
    RETURN_REASON_MAX,
    FormReadiness,
    check_agreement,
    check_meeting_date,
    check_return_reason,
    check_submission,
    missing_field,
)
from app.rules.progress import ANSWER_REQUIRED, COMMENT_REQUIRED, FormProgress, SectionProgress
from app.rules.violations import Violation
from app.rules.workflow import NOT_YOURS, TRANSITIONS, WRONG_STATUS, Relation, refusals

DONE = FormProgress(FormStatus.DONE, (SectionProgress("A", FormStatus.DONE),))


def missing(section, *keys_and_reasons):
    return SectionProgress(
        section,
        FormStatus.IN_PROGRESS,
        tuple(Violation(reason.code, reason.message, key) for key, reason in keys_and_reasons),
    )


def test_a_complete_package_with_filed_accounts_passes():
    forms = [FormReadiness(1, "Styringsrapport", DONE), FormReadiness(2, "Afdeling 1", DONE)]
    assert check_submission(forms=forms, accounts_filed=True, accounting_year=2025) == []


def test_every_missing_answer_and_comment_and_the_accounts_are_listed_with_their_place():
    estate = FormProgress(
        FormStatus.IN_PROGRESS,
        (
            missing("economy", ("maintenance_condition", ANSWER_REQUIRED)),
            missing("letting", ("vacancy_comment", COMMENT_REQUIRED)),
        ),
    )
    forms = [FormReadiness(1, "Styringsrapport", DONE), FormReadiness(7, "Afdeling 1", estate)]
    found = check_submission(forms=forms, accounts_filed=False, accounting_year=2025)
    assert [(v.code, v.field) for v in found] == [
        ("answer_required", "form:7/economy/maintenance_condition"),
        ("comment_required", "form:7/letting/vacancy_comment"),
        ("accounts_not_filed", "accounts"),
    ]
    assert [v.message for v in found[:2]] == [ANSWER_REQUIRED.message, COMMENT_REQUIRED.message]
    assert found[0].params_dict() == {"form": "Afdeling 1", "section": "economy"}
    assert found[2].params_dict() == {"year": 2025}


def test_a_package_without_forms_is_not_sent():
    codes = [v.code for v in check_submission(forms=[], accounts_filed=True, accounting_year=1)]
    assert codes == ["no_forms"]


def test_missing_field_names_form_section_and_question():
    assert missing_field(3, "II", "q") == "form:3/II/q"
    assert missing_field(3, "II", None) == "form:3/II/"


@pytest.mark.parametrize(
    ("reason", "codes"),
    [
        ("Ret afsnit II.", []),
        ("  x  ", []),
        (None, ["reason_required"]),
        ("", ["reason_required"]),
        (" \n\t", ["reason_required"]),
        ("x" * RETURN_REASON_MAX, []),
        ("x" * (RETURN_REASON_MAX + 1), ["reason_too_long"]),
    ],
)
def test_a_return_needs_a_reason_of_reasonable_length(reason, codes):
    assert [v.code for v in check_return_reason(reason=reason)] == codes


TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("meeting", "submitted", "codes"),
    [
        (TODAY, dt.date(2026, 10, 1), []),
        (dt.date(2026, 10, 1), dt.date(2026, 10, 1), []),  # the day it was sent
        (dt.date(2026, 9, 30), dt.date(2026, 10, 1), ["date_before_submission"]),
        (TODAY + dt.timedelta(days=1), dt.date(2026, 10, 1), ["date_in_future"]),
        (None, dt.date(2026, 10, 1), ["date_required"]),
        (TODAY, None, []),
    ],
)
def test_the_meeting_lies_between_submission_and_today(meeting, submitted, codes):
    found = check_meeting_date(meeting_date=meeting, submitted_on=submitted, today=TODAY)
    assert [v.code for v in found] == codes


@pytest.mark.parametrize(
    ("text", "responsible", "follow_up", "codes"),
    [
        ("Plan", "Direktionen", None, []),
        ("Plan", "Direktionen", "x" * 4000, []),
        (" ", "Direktionen", None, ["required"]),
        ("Plan", None, None, ["required"]),
        ("x" * 201, "Direktionen", "x" * 4001, ["too_long", "too_long"]),
        ("x" * 200, "y" * 200, None, []),
    ],
)
def test_an_agreement_says_what_and_who(text, responsible, follow_up, codes):
    assert [v.code for v in check_agreement(text, responsible, follow_up)] == codes


def test_every_guard_the_table_names_is_a_gate():
    named = {g for t in TRANSITIONS for g in t.guards}
    assert named == set(GUARDS)


def test_refusals_say_who_before_anything_else():
    assert refusals("return_package", S.SUBMITTED, {Relation.ORGANISATION}, reason="") == [
        NOT_YOURS
    ]


def test_refusals_gather_the_status_and_every_gate():
    found = refusals("return_package", S.IN_PROGRESS, {Relation.HOME_MUNICIPALITY}, reason="")
    assert [v.code for v in found] == [WRONG_STATUS.code, "reason_required"]
    assert refusals("return_package", S.SUBMITTED, {Relation.HOME_MUNICIPALITY}, reason="x") == []


@pytest.mark.parametrize(
    ("name", "relation", "allowed"),
    [
        ("submit", Relation.ORGANISATION, True),
        ("submit", Relation.HOME_MUNICIPALITY, False),
        ("return_package", Relation.HOME_MUNICIPALITY, True),
        ("return_package", Relation.LOCATION_MUNICIPALITY, False),
        ("return_package", Relation.LBF, False),
        ("mark_meeting_held", Relation.HOME_MUNICIPALITY, True),
        ("mark_meeting_held", Relation.LOCATION_MUNICIPALITY, False),
        ("give_statement", Relation.HOME_MUNICIPALITY, True),
        ("give_statement", Relation.LOCATION_MUNICIPALITY, False),
    ],
)
def test_who_may_fire_each_transition(name, relation, allowed):
    found = refusals(
        name,
        next(iter(next(t for t in TRANSITIONS if t.name == name).sources)),
        {relation},
        forms=[FormReadiness(1, "R", DONE)],
        accounts_filed=True,
        accounting_year=2025,
        reason="x",
        meeting_date=TODAY,
        submitted_on=TODAY,
        today=TODAY,
        filename="r.pdf",
        content=b"%PDF-1.4",
        max_bytes=100,
    )
    assert (found == []) is allowed, found
