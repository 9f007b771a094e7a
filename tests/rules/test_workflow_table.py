"""The workflow table's own checks, each with the exact reason it gives (app/rules/workflow.py)."""

import pytest

from app.rules.enums import PackageStatus as S
from app.rules.workflow import (
    BY_NAME,
    FINAL,
    INITIAL,
    TRANSITIONS,
    Relation,
    Transition,
    WorkflowError,
    _t,
    check_table,
)


def test_table_with_two_transitions_of_one_name_is_rejected():
    twin = Transition("start", frozenset({S.COMPLETE}), S.IN_PROGRESS, frozenset({Relation.LBF}))
    with pytest.raises(WorkflowError) as error:
        check_table([*TRANSITIONS, twin], INITIAL, FINAL)
    assert str(error.value) == "transition names must be unique"


def test_without_submit_every_state_after_submission_is_unreachable():
    # READY -> IN_PROGRESS/COMPLETE only: SUBMITTED has no way in, and MEETING_HELD and
    # STATEMENT_GIVEN are reached only through it
    without_submit = [t for t in TRANSITIONS if t.name != "submit"]
    with pytest.raises(WorkflowError) as error:
        check_table(without_submit, INITIAL, FINAL)
    message = str(error.value)
    assert message.startswith("unreachable states: ")
    for state in ("SUBMITTED", "MEETING_HELD", "STATEMENT_GIVEN"):
        assert state in message
    for state in ("IN_PROGRESS", "COMPLETE"):
        assert f"{state}'" not in message and f"{state}>" not in message


def test_transition_nobody_may_fire_is_rejected_by_name():
    orphan = Transition("archive", frozenset({S.SUBMITTED}), S.MEETING_HELD, frozenset())
    with pytest.raises(WorkflowError) as error:
        check_table([*TRANSITIONS, orphan], INITIAL, FINAL)
    assert str(error.value) == "archive names nobody who may fire it"


def test_transition_back_to_the_initial_state_is_rejected_with_its_reason():
    back = Transition("reset", frozenset({S.IN_PROGRESS}), S.READY, frozenset({Relation.LBF}))
    with pytest.raises(WorkflowError) as error:
        check_table([*TRANSITIONS, back], INITIAL, FINAL)
    assert str(error.value) == "nothing may lead back to the initial state"


def test_a_table_row_holds_its_name_states_relations_and_guards_as_given():
    # the table is built at import; build one row here so that a change to the builder shows
    row = _t("submit", [S.COMPLETE], S.SUBMITTED, [Relation.ORGANISATION], ["check_submission"])
    assert row == Transition(
        "submit",
        frozenset({S.COMPLETE}),
        S.SUBMITTED,
        frozenset({Relation.ORGANISATION}),
        ("check_submission",),
    )
    assert _t("start", [S.READY], S.IN_PROGRESS, [Relation.SYSTEM]).guards == ()
    assert BY_NAME["submit"] == row
