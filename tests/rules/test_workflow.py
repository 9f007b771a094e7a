import pytest

from app.rules.enums import PackageStatus as S
from app.rules.workflow import (
    FINAL,
    INITIAL,
    TRANSITIONS,
    Relation,
    Transition,
    WorkflowError,
    allowed_transitions,
    check_table,
)


def test_shipped_table_passes_its_own_checks():
    check_table(TRANSITIONS, INITIAL, FINAL)


def test_table_with_unreachable_state_is_rejected():
    only_start = [t for t in TRANSITIONS if t.name == "start"]
    with pytest.raises(WorkflowError, match="unreachable"):
        check_table(only_start, INITIAL, FINAL)


def test_table_leaving_a_final_state_is_rejected():
    escape = Transition(
        "reopen_statement", frozenset({S.STATEMENT_GIVEN}), S.IN_PROGRESS, frozenset({Relation.LBF})
    )
    with pytest.raises(WorkflowError, match="final"):
        check_table([*TRANSITIONS, escape], INITIAL, FINAL)


def test_table_leading_back_to_the_initial_state_is_rejected():
    back = Transition("reset", frozenset({S.IN_PROGRESS}), S.READY, frozenset({Relation.LBF}))
    with pytest.raises(WorkflowError, match="initial"):
        check_table([*TRANSITIONS, back], INITIAL, FINAL)


def test_organisation_may_only_submit_a_complete_package():
    assert [t.name for t in allowed_transitions(S.COMPLETE, {Relation.ORGANISATION})] == ["submit"]
    assert allowed_transitions(S.IN_PROGRESS, {Relation.ORGANISATION}) == []


def test_home_municipality_returns_or_marks_meeting_held_on_a_submitted_package():
    names = {t.name for t in allowed_transitions(S.SUBMITTED, {Relation.HOME_MUNICIPALITY})}
    assert names == {"return_package", "mark_meeting_held"}


def test_location_municipality_does_not_drive_the_status():
    names = {t.name for t in allowed_transitions(S.SUBMITTED, {Relation.LOCATION_MUNICIPALITY})}
    assert "mark_meeting_held" not in names
    assert allowed_transitions(S.MEETING_HELD, {Relation.LOCATION_MUNICIPALITY}) == []


def test_derived_transitions_are_never_offered_as_buttons():
    for status in S:
        for relation in Relation:
            assert all(
                Relation.SYSTEM not in t.fired_by for t in allowed_transitions(status, {relation})
            )


def test_nothing_is_allowed_after_the_statement():
    assert allowed_transitions(S.STATEMENT_GIVEN, set(Relation)) == []
