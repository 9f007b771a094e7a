"""Who a user is in the platform, and what that lets them act for: plain values only."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.rules.enums import N_, OrganisationKind, Role
from app.rules.violations import Violation


@dataclass(frozen=True)
class Actor:
    """The acting user as the rules see them."""

    user_id: int | None
    roles: frozenset[Role] = frozenset()
    organisation_id: int | None = None
    municipality_id: int | None = None
    # the user's own organisation and those it administers (user guide sections 6 and 7)
    organisation_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_lbf(self) -> bool:
        return Role.LBF in self.roles

    @property
    def is_municipality(self) -> bool:
        return self.municipality_id is not None and Role.MUNICIPALITY in self.roles

    @property
    def is_organisation(self) -> bool:
        return self.organisation_id is not None and bool(
            {Role.HOUSING, Role.ADMINISTRATION} & self.roles
        )

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    def may_act_for(self, organisation_id: int | None) -> bool:
        """The organisation's own data (its estates, figures, accounts): itself and the
        organisation that administers it now."""
        return self.is_lbf or (self.is_organisation and organisation_id in self.organisation_ids)

    def may_act_for_package(self, organisation_id: int, administered_by_id: int | None) -> bool:
        """A package: its organisation, and the administrator it was opened with (a change of
        administrator reaches an opened year only when LBF applies it)."""
        return self.is_lbf or (
            self.is_organisation and self.organisation_id in (organisation_id, administered_by_id)
        )


def acting_organisation_ids(own_id: int, administered_ids: Iterable[int]) -> frozenset[int]:
    """An organisation acts for itself and for every organisation it administers."""
    return frozenset({own_id, *administered_ids})


def role_for_organisation(kind: OrganisationKind) -> Role:
    return Role.HOUSING if kind == OrganisationKind.HOUSING else Role.ADMINISTRATION


def check_user_affiliation(
    roles: Iterable[Role],
    organisation_kind: OrganisationKind | None,
    has_municipality: bool,
) -> list[Violation]:
    """A user belongs to exactly one organisation or one municipality, or to LBF,
    and holds exactly the role that belongs to that affiliation."""
    roles = set(roles)
    violations: list[Violation] = []
    if organisation_kind is not None and has_municipality:
        violations.append(
            Violation(
                "two_affiliations",
                N_("En bruger kan kun høre til én organisation eller én kommune."),
                "municipality",
            )
        )
        return violations
    if len(roles) != 1:
        violations.append(
            Violation("one_role", N_("En bruger skal have præcis én rolle."), "roles")
        )
        return violations
    (role,) = roles
    if organisation_kind is not None:
        expected = role_for_organisation(organisation_kind)
        if role != expected:
            violations.append(
                Violation(
                    "role_mismatch",
                    N_("Rollen passer ikke til organisationens type."),
                    "roles",
                )
            )
    elif has_municipality:
        if role != Role.MUNICIPALITY:
            violations.append(
                Violation(
                    "role_mismatch", N_("En kommunebruger skal have rollen Kommune."), "roles"
                )
            )
    elif role != Role.LBF:
        violations.append(
            Violation(
                "missing_affiliation",
                N_("Vælg den organisation eller kommune, brugeren hører til."),
                "organisation",
            )
        )
    return violations
