"""What opening a dialogue year creates for one organisation."""

from collections.abc import Iterable
from dataclasses import dataclass

from app.rules.enums import EstateState, FormKind, OrganisationKind

# estates that take part in the year's dialogue (Bilag 4: "afdeling under opførelse" fills part A)
PARTICIPATING_STATES = frozenset({EstateState.IN_OPERATION, EstateState.UNDER_CONSTRUCTION})


@dataclass(frozen=True)
class PlannedForm:
    kind: FormKind
    estate_id: int | None
    sort_key: int


def planned_forms(
    kind: OrganisationKind, estates: Iterable[tuple[int, int, EstateState]]
) -> list[PlannedForm]:
    """A package holds the organisation's governance report (Bilag 3, or Bilag 5 for an
    administration organisation) and, for a housing organisation, one estate form per estate
    in operation or under construction, in estate-number order.

    `estates` are (estate id, estate number, state) triples.
    """
    if kind == OrganisationKind.ADMINISTRATION:
        return [PlannedForm(FormKind.ADMIN_REPORT, None, 0)]
    forms = [PlannedForm(FormKind.HOUSING_REPORT, None, 0)]
    participating = sorted(
        (number, estate_id) for estate_id, number, state in estates if state in PARTICIPATING_STATES
    )
    forms.extend(
        PlannedForm(FormKind.ESTATE_FORM, estate_id, number) for number, estate_id in participating
    )
    return forms
