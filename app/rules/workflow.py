"""The package workflow as a table of transitions (DESIGN.md section 4).

Each transition names its source states, its target, the guards a service must pass
and the relations to the package that may fire it. The table is checked at import.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from app.rules.enums import N_
from app.rules.enums import PackageStatus as S
from app.rules.gates import GUARDS
from app.rules.violations import Violation


class Relation(StrEnum):
    """How an actor stands to a package."""

    LBF = "LBF"
    ORGANISATION = "ORGANISATION"  # acts for the package's organisation
    HOME_MUNICIPALITY = "HOME_MUNICIPALITY"
    LOCATION_MUNICIPALITY = "LOCATION_MUNICIPALITY"
    SYSTEM = "SYSTEM"  # derived from the answers, fired by the service itself


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[S]
    target: S
    fired_by: frozenset[Relation]
    guards: tuple[str, ...] = ()


def _t(name, sources, target, fired_by, guards=()):
    return Transition(name, frozenset(sources), target, frozenset(fired_by), tuple(guards))


INITIAL = S.READY
FINAL = frozenset({S.STATEMENT_GIVEN})

TRANSITIONS: tuple[Transition, ...] = (
    _t("start", [S.READY], S.IN_PROGRESS, [Relation.SYSTEM]),
    _t("complete", [S.READY, S.IN_PROGRESS], S.COMPLETE, [Relation.SYSTEM]),
    _t("reopen", [S.COMPLETE], S.IN_PROGRESS, [Relation.SYSTEM]),
    _t(
        "submit",
        [S.COMPLETE],
        S.SUBMITTED,
        [Relation.ORGANISATION],
        ["check_submission"],
    ),
    _t(
        "return_package",
        [S.SUBMITTED],
        S.IN_PROGRESS,
        # only the home municipality drives the status (a location municipality does not)
        [Relation.HOME_MUNICIPALITY],
        ["check_return_reason"],
    ),
    _t(
        "mark_meeting_held",
        [S.SUBMITTED],
        S.MEETING_HELD,
        [Relation.HOME_MUNICIPALITY],
        ["check_meeting_date"],
    ),
    _t(
        "give_statement",
        [S.MEETING_HELD],
        S.STATEMENT_GIVEN,
        [Relation.HOME_MUNICIPALITY],
        ["check_statement_file"],
    ),
)

BY_NAME = {t.name: t for t in TRANSITIONS}


class WorkflowError(ValueError):
    pass


def check_table(
    transitions: Iterable[Transition],
    initial: S,
    final: frozenset[S],
    guards: Mapping[str, Callable] = GUARDS,
) -> None:
    """One initial state, every state reachable, nothing leaves a final state, every guard
    named is a function."""
    transitions = tuple(transitions)
    for t in transitions:
        unknown = [g for g in t.guards if not callable(guards.get(g))]
        if unknown:
            raise WorkflowError(f"{t.name} names unknown guards: {unknown}")
    names = [t.name for t in transitions]
    if len(names) != len(set(names)):
        raise WorkflowError("transition names must be unique")
    reachable = {initial}
    frontier = [initial]
    while frontier:
        state = frontier.pop()
        for t in transitions:
            if state in t.sources and t.target not in reachable:
                reachable.add(t.target)
                frontier.append(t.target)
    unreachable = set(S) - reachable
    if unreachable:
        raise WorkflowError(f"unreachable states: {sorted(unreachable)}")
    for t in transitions:
        if t.sources & final:
            raise WorkflowError(f"{t.name} leaves a final state")
        if not t.fired_by:
            raise WorkflowError(f"{t.name} names nobody who may fire it")
    if any(t.target == initial for t in transitions):
        raise WorkflowError("nothing may lead back to the initial state")


check_table(TRANSITIONS, INITIAL, FINAL)


def allowed_transitions(status: S, relations: Iterable[Relation]) -> list[Transition]:
    """The transitions an actor with these relations may try from this status;
    guards are checked by the service that fires one."""
    relations = set(relations)
    return [
        t
        for t in TRANSITIONS
        if status in t.sources and t.fired_by & relations and Relation.SYSTEM not in t.fired_by
    ]


def transition(name: str) -> Transition:
    return BY_NAME[name]


NOT_YOURS = Violation(
    "not_allowed", N_("Du kan ikke udføre denne handling på denne dokumentationspakke.")
)
WRONG_STATUS = Violation(
    "wrong_status", N_("Dokumentationspakken har ikke den status, som handlingen kræver.")
)


def refusals(name: str, status: S, relations: Iterable[Relation], **facts) -> list[Violation]:
    """Every reason the actor may not fire this transition now: who they are to the package
    (alone: nobody else's gates are their business), the package's status, and every gate
    the transition names, given the facts."""
    t = BY_NAME[name]
    if not t.fired_by & set(relations):
        return [NOT_YOURS]
    violations = [] if status in t.sources else [WRONG_STATUS]
    return violations + [v for guard in t.guards for v in GUARDS[guard](**facts)]
