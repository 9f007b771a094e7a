"""Rights: which a user of an organisation or a municipality may hold, who may grant them,
and what an invitation and a new password must satisfy. Plain values only.

A user holds no right until one is granted (a user created at first login, by SAML or by an
invitation, starts there). Each organisation and municipality has local administrators
(LBF appoints the first); a local administrator grants and withdraws the rights of the users
of its own organisation or municipality, never its own and never a right or an administered
organisation it does not hold itself. LBF grants anything to anyone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.rules.enums import N_, Right
from app.rules.violations import Violation

ORGANISATION_RIGHTS = (
    Right.READ,
    Right.FILL_AND_SEND,
    Right.STATISTICS,
    Right.LOCAL_ADMIN,
    Right.ALL_ADMINISTERED,
)
MUNICIPALITY_RIGHTS = (Right.READ, Right.PROCESS, Right.STATISTICS, Right.LOCAL_ADMIN)
# a right that works on packages lets its holder read them
READING_RIGHTS = frozenset({Right.READ, Right.FILL_AND_SEND, Right.PROCESS})

MIN_PASSWORD_LENGTH = 12
MAX_USERNAME_LENGTH = 64
MAX_NAME_LENGTH = 64
MAX_EMAIL_LENGTH = 320
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Holder:
    """A user as the grant rules see them: affiliation, rights and the administered
    organisations granted (their own organisation is always theirs)."""

    user_id: int | None
    organisation_id: int | None = None
    municipality_id: int | None = None
    rights: frozenset[Right] = frozenset()
    acts_for: frozenset[int] = frozenset()
    is_lbf: bool = False

    @property
    def affiliation(self) -> tuple[int | None, int | None]:
        return (self.organisation_id, self.municipality_id)


def effective_rights(rights: Iterable[Right]) -> frozenset[Right]:
    """The rights held, with reading implied by filling in or processing packages."""
    rights = frozenset(rights)
    return rights | {Right.READ} if rights & READING_RIGHTS else rights


def held_organisations(holder: Holder, administered: Iterable[int]) -> frozenset[int]:
    """The administered organisations the holder acts for: those granted one by one, and
    with `ALL_ADMINISTERED` every one its organisation administers now (`administered`)."""
    if Right.ALL_ADMINISTERED in holder.rights:
        return holder.acts_for | frozenset(administered)
    return holder.acts_for


def applicable_rights(organisation_id: int | None, municipality_id: int | None) -> tuple:
    """The rights a user of this affiliation may hold (an LBF user holds every right by
    their role and is granted none)."""
    if municipality_id is not None:
        return MUNICIPALITY_RIGHTS
    if organisation_id is not None:
        return ORGANISATION_RIGHTS
    return ()


def _right(code: str, message: str, right: Right) -> Violation:
    return Violation(code, message, "rights", (("right", right),))


def _organisation(code: str, message: str, organisation_id: int, names) -> Violation:
    name = names.get(organisation_id, str(organisation_id))
    return Violation(code, message, "acts_for", (("organisation", name),))


def check_grant(
    granter: Holder,
    holder: Holder,
    rights: Iterable[Right],
    acts_for: Iterable[int],
    administered: Iterable[int],
    names: Mapping[int, str] | None = None,
) -> list[Violation]:
    """Every reason `granter` may not give `holder` exactly these rights and administered
    organisations (`administered`: those the holder's organisation administers now).

    Nobody grants more than they hold: a local administrator changes only rights and
    administered organisations it holds itself, for the users of its own organisation or
    municipality, and never its own."""
    rights, acts_for, names = frozenset(rights), frozenset(acts_for), names or {}
    administered = frozenset(administered)
    if holder.organisation_id is None and holder.municipality_id is None:
        return [
            Violation(
                "no_affiliation",
                N_("En bruger i Landsbyggefonden har alle rettigheder gennem sin rolle."),
                "rights",
            )
        ]
    if not granter.is_lbf:
        if Right.LOCAL_ADMIN not in granter.rights:
            return [
                Violation(
                    "not_local_admin",
                    N_("Kun en lokal administrator kan give og fjerne rettigheder."),
                )
            ]
        if granter.affiliation != holder.affiliation:
            return [
                Violation(
                    "other_affiliation",
                    N_(
                        "Du kan kun give rettigheder til brugere i din egen organisation "
                        "eller kommune."
                    ),
                )
            ]
        if holder.user_id is not None and holder.user_id == granter.user_id:
            return [Violation("own_rights", N_("Du kan ikke ændre dine egne rettigheder."))]
    violations = []
    applicable = applicable_rights(holder.organisation_id, holder.municipality_id)
    misplaced = rights - set(applicable)
    for right in sorted(misplaced):
        violations.append(
            _right(
                "not_applicable",
                N_("Rettigheden »%(right)s« kan ikke gives til en bruger med denne tilknytning."),
                right,
            )
        )
    if Right.ALL_ADMINISTERED in rights - holder.rights - misplaced and not administered:
        misplaced |= {Right.ALL_ADMINISTERED}
        violations.append(
            _right(
                "nothing_administered",
                N_(
                    "Rettigheden »%(right)s« kan kun gives i en organisation, der administrerer "
                    "andre organisationer."
                ),
                Right.ALL_ADMINISTERED,
            )
        )
    if not granter.is_lbf:
        held = effective_rights(granter.rights)
        for right in sorted((rights ^ holder.rights) - held - misplaced):
            violations.append(
                _right(
                    "right_not_held",
                    N_(
                        "Du kan ikke give eller fjerne rettigheden »%(right)s«: du har den "
                        "ikke selv."
                    ),
                    right,
                )
            )
    foreign = acts_for - holder.acts_for - administered
    for organisation_id in sorted(foreign):
        violations.append(
            _organisation(
                "not_administered",
                N_("%(organisation)s administreres ikke af brugerens organisation."),
                organisation_id,
                names,
            )
        )
    if not granter.is_lbf:
        held_by_granter = held_organisations(granter, administered)
        for organisation_id in sorted((acts_for ^ holder.acts_for) - held_by_granter - foreign):
            violations.append(
                _organisation(
                    "organisation_not_held",
                    N_(
                        "Du kan ikke give eller fjerne adgangen til %(organisation)s: du "
                        "handler ikke selv for den."
                    ),
                    organisation_id,
                    names,
                )
            )
    return violations


def check_invitation(
    granter: Holder,
    invited: Holder,
    email: str | None,
    first_name: str | None,
    last_name: str | None,
    administered: Iterable[int],
    email_taken: bool,
    names: Mapping[int, str] | None = None,
) -> list[Violation]:
    """Every reason the invitation cannot be sent: the person's address and name, at least one
    right, and the rights as `check_grant` judges them for a new user of the affiliation."""
    violations = []
    email = (email or "").strip()
    if not email or len(email) > MAX_EMAIL_LENGTH or not _EMAIL.match(email):
        violations.append(
            Violation("email", N_("Skriv en gyldig e-mailadresse, fx navn@eksempel.dk."), "email")
        )
    elif email_taken:
        violations.append(
            Violation(
                "email_taken",
                N_(
                    "Der findes allerede en bruger eller en åben invitation med denne "
                    "e-mailadresse."
                ),
                "email",
            )
        )
    for name, value, message in (
        ("first_name", first_name, N_("Skriv fornavnet.")),
        ("last_name", last_name, N_("Skriv efternavnet.")),
    ):
        value = (value or "").strip()
        if not value or len(value) > MAX_NAME_LENGTH:
            violations.append(Violation(name, message, name))
    if not invited.rights:
        violations.append(
            Violation("no_rights", N_("Vælg mindst én rettighed til den inviterede."), "rights")
        )
    blank = Holder(None, invited.organisation_id, invited.municipality_id)
    violations += check_grant(granter, blank, invited.rights, invited.acts_for, administered, names)
    return violations


def check_new_login(
    username: str | None, password: str | None, confirmation: str | None, username_taken: bool
) -> list[Violation]:
    """The user name and password an invited person chooses (the embedded login)."""
    violations = []
    username = (username or "").strip()
    if not username or len(username) > MAX_USERNAME_LENGTH:
        violations.append(
            Violation(
                "username",
                N_("Skriv et brugernavn på højst %(length)s tegn."),
                "username",
                (("length", MAX_USERNAME_LENGTH),),
            )
        )
    elif username_taken:
        violations.append(
            Violation("username_taken", N_("Brugernavnet er optaget. Vælg et andet."), "username")
        )
    if len(password or "") < MIN_PASSWORD_LENGTH:
        violations.append(
            Violation(
                "password_short",
                N_("Adgangskoden skal have mindst %(length)s tegn."),
                "password",
                (("length", MIN_PASSWORD_LENGTH),),
            )
        )
    elif password != confirmation:
        violations.append(
            Violation("password_mismatch", N_("De to adgangskoder er ikke ens."), "confirmation")
        )
    return violations
