"""Who a user is in the platform, and what that lets them act for: plain values only."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.rules.enums import N_, OrganisationKind, Right, Role
from app.rules.rights import effective_rights
from app.rules.violations import Violation


@dataclass(frozen=True)
class Actor:
    """The acting user as the rules see them."""

    user_id: int | None
    roles: frozenset[Role] = frozenset()
    organisation_id: int | None = None
    municipality_id: int | None = None
    # the organisations the user acts for: its own and the administered organisations it was
    # granted (user guide sections 6 and 7); none while the user holds no right
    organisation_ids: frozenset[int] = field(default_factory=frozenset)
    # what the user may do (app.rules.rights); LBF holds every right by its role
    rights: frozenset[Right] = field(default_factory=frozenset)
    # the administered organisations granted, also those no longer administered by the
    # user's organisation (their packages opened under it stay with it)
    granted_organisation_ids: frozenset[int] = field(default_factory=frozenset)

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

    @property
    def acts_for_all_administered(self) -> bool:
        """Every organisation its organisation administers, also those that come later."""
        return self.organisation_id is not None and Right.ALL_ADMINISTERED in self.rights

    def holds(self, right: Right) -> bool:
        """LBF holds every right; anyone else the rights granted (reading implied by filling
        in or processing packages)."""
        return self.is_lbf or right in effective_rights(self.rights)

    @property
    def reads_packages(self) -> bool:
        return self.holds(Right.READ)

    def may_act_for(self, organisation_id: int | None) -> bool:
        """The organisation's own data (its estates, figures, accounts): itself and the
        administered organisations the user was granted."""
        return self.is_lbf or (self.is_organisation and organisation_id in self.organisation_ids)

    def package_in_scope(self, organisation_id: int, administered_by_id: int | None) -> bool:
        """A package of the user's own organisation, or of an administered organisation the
        user was granted (or of any, acting for all) whose package was opened under the user's
        organisation (a change of administrator reaches an opened year only when LBF applies
        it)."""
        if self.is_lbf:
            return True
        if not self.is_organisation or not self.rights:
            return False
        return organisation_id == self.organisation_id or (
            administered_by_id == self.organisation_id
            and (self.acts_for_all_administered or organisation_id in self.granted_organisation_ids)
        )

    def may_read_package(self, organisation_id: int, administered_by_id: int | None) -> bool:
        return self.reads_packages and self.package_in_scope(organisation_id, administered_by_id)

    def may_act_for_package(self, organisation_id: int, administered_by_id: int | None) -> bool:
        """Fill in and send a package: the right to, for a package in the user's scope."""
        return self.holds(Right.FILL_AND_SEND) and self.package_in_scope(
            organisation_id, administered_by_id
        )


def acting_organisation_ids(
    own_id: int, administered_ids: Iterable[int], granted_ids: Iterable[int] | None = None
) -> frozenset[int]:
    """A user of an organisation acts for it and for the organisations it administers that
    the user was granted (all of them when `granted_ids` is None)."""
    administered = frozenset(administered_ids)
    if granted_ids is not None:
        administered &= frozenset(granted_ids)
    return frozenset({own_id, *administered})


# the user name of an API key's holder (app/services/api_keys.py): never one a person logs in
# with, and managed on the key's screen, not among the people's rights
KEY_HOLDER_PREFIX = "api-"


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
