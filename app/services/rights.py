"""Granting and withdrawing rights (user guide 4: rights are managed locally): a local
administrator for the users of its own organisation or municipality, LBF for everyone.
Decided under the row locks of both users, on the rights read after the locks; every change
is an audit entry."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    NOT_A_KEY_HOLDER,
    AppUser,
    AuditEntry,
    Organisation,
    UserOrganisation,
    UserRight,
)
from app.rules.access import Actor
from app.rules.enums import N_, Right
from app.rules.rights import Holder, applicable_rights, check_grant
from app.rules.violations import Violation
from app.security import row_filter
from app.services import audit
from app.services.errors import NotFound
from app.services.transitions import Refused, use_case

NOT_ADMIN = Violation(
    "not_local_admin", N_("Kun en lokal administrator kan se og ændre brugernes rettigheder.")
)
RIGHTS_ACTIONS = ("rights", "invitation_accepted")


def may_manage(actor: Actor) -> bool:
    return actor.is_lbf or actor.holds(Right.LOCAL_ADMIN)


def ensure_may_manage(actor: Actor) -> None:
    if not may_manage(actor):
        raise Refused([NOT_ADMIN])


def holder_of(user: AppUser) -> Holder:
    """The user as the grant rules see them, with the rights stored now."""
    rights = frozenset(
        db.session.scalars(select(UserRight.right).where(UserRight.user_id == user.id))
    )
    acts_for = frozenset(
        db.session.scalars(
            select(UserOrganisation.organisation_id).where(UserOrganisation.user_id == user.id)
        )
    )
    is_lbf = (
        user.organisation_id is None
        and user.municipality_id is None
        and any(role.name == "LBF" for role in user.roles)
    )
    return Holder(user.id, user.organisation_id, user.municipality_id, rights, acts_for, is_lbf)


def granter_of(actor: Actor) -> Holder:
    """The acting user as a granter, with the rights stored now (a withdrawal made a moment
    ago counts)."""
    if actor.is_lbf:
        return Holder(actor.user_id, is_lbf=True)
    user = db.session.get(AppUser, actor.user_id) if actor.user_id is not None else None
    if user is None:
        return Holder(None)
    return holder_of(user)


def administered_ids(organisation_id: int | None) -> frozenset[int]:
    """The organisations an organisation administers now."""
    if organisation_id is None:
        return frozenset()
    return frozenset(
        db.session.scalars(
            select(Organisation.id).where(Organisation.administered_by_id == organisation_id)
        )
    )


def administered_of(organisation_id: int | None) -> list[Organisation]:
    if organisation_id is None:
        return []
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.administered_by_id == organisation_id)
            .order_by(Organisation.number)
        )
    )


def organisation_names(ids: Iterable[int]) -> dict[int, str]:
    ids = set(ids)
    if not ids:
        return {}
    organisations = db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))
    return {o.id: str(o) for o in organisations}


# a person of an organisation or a municipality: not LBF's staff, and not an API key's holder,
# whose rights are set when the key is made (app/services/api_keys.py)
_A_PERSON = and_(
    or_(AppUser.organisation_id.is_not(None), AppUser.municipality_id.is_not(None)),
    NOT_A_KEY_HOLDER,
)


def managed_users(actor: Actor, organisation_id=None, municipality_id=None) -> list[AppUser]:
    """The users whose rights the actor manages: a local administrator its own organisation's
    or municipality's (itself included), LBF everyone's of an organisation or municipality,
    or of the one chosen."""
    ensure_may_manage(actor)
    query = select(AppUser).where(
        row_filter(AppUser, actor),
        _A_PERSON,
    )
    if organisation_id is not None:
        query = query.where(AppUser.organisation_id == organisation_id)
    if municipality_id is not None:
        query = query.where(AppUser.municipality_id == municipality_id)
    # the list shows each user's rights, administered organisations and affiliation
    query = query.options(
        selectinload(AppUser.granted_rights),
        selectinload(AppUser.granted_organisations).joinedload(UserOrganisation.organisation),
        joinedload(AppUser.organisation),
        joinedload(AppUser.municipality),
    )
    return list(
        db.session.scalars(
            query.order_by(
                AppUser.organisation_id, AppUser.municipality_id, AppUser.first_name, AppUser.id
            )
        ).unique()
    )


def user_for(actor: Actor, user_id: int) -> AppUser:
    ensure_may_manage(actor)
    user = db.session.scalar(
        select(AppUser).where(
            AppUser.id == user_id,
            row_filter(AppUser, actor),
            _A_PERSON,
        )
    )
    if user is None:
        raise NotFound(N_("Brugeren findes ikke."))
    return user


def history(actor: Actor, user: AppUser) -> list[AuditEntry]:
    """The changes of the user's rights, newest first."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(
                row_filter(AuditEntry, actor),
                AuditEntry.entity == "AppUser",
                AuditEntry.entity_id == user.id,
                AuditEntry.action.in_(RIGHTS_ACTIONS),
            )
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        )
    )


def lock_users(*user_ids: int | None) -> None:
    """The row locks of the users a grant depends on, in id order (every grant takes them in
    the same order)."""
    for user_id in sorted({u for u in user_ids if u is not None}):
        db.session.scalar(select(AppUser.id).where(AppUser.id == user_id).with_for_update())


@use_case
def set_rights(actor: Actor, user_id: int, rights: Iterable[str], acts_for: Iterable[int]):
    """Give the user exactly these rights and administered organisations, if the actor may."""
    ensure_may_manage(actor)
    rights = _parse_rights(rights)
    acts_for = frozenset(acts_for)
    user = user_for(actor, user_id)
    lock_users(user.id, actor.user_id)
    db.session.refresh(user)
    holder, granter = holder_of(user), granter_of(actor)
    administered = administered_ids(user.organisation_id)
    names = organisation_names(acts_for | holder.acts_for)
    violations = check_grant(granter, holder, rights, acts_for, administered, names)
    if violations:
        raise Refused(violations)
    write_rights(user, rights, acts_for, actor.user_id)
    return user


def _parse_rights(values: Iterable[str]) -> frozenset[Right]:
    try:
        return frozenset(Right(v) for v in values)
    except ValueError:
        raise Refused([Violation("unknown_right", N_("Ukendt rettighed."), "rights")]) from None


def write_rights(
    user: AppUser, rights: Iterable[Right], acts_for: Iterable[int], by_user_id: int | None
) -> bool:
    """Store the user's rights and administered organisations, one audit entry per changed
    kind (old and new); returns whether anything changed. No checks: the caller decided."""
    rights, acts_for = frozenset(rights), frozenset(acts_for)
    stored = {
        r.right: r
        for r in db.session.scalars(select(UserRight).where(UserRight.user_id == user.id))
    }
    granted = {
        g.organisation_id: g
        for g in db.session.scalars(
            select(UserOrganisation).where(UserOrganisation.user_id == user.id)
        )
    }
    rights_changed = _replace(stored, rights, lambda r: UserRight(user_id=user.id, right=r))
    if rights_changed:
        audit.record(
            "rights",
            "AppUser",
            user.id,
            field="rights",
            old=rights_text(stored),
            new=rights_text(rights),
            user_id=by_user_id,
        )
    acts_for_changed = _replace(
        granted, acts_for, lambda o: UserOrganisation(user_id=user.id, organisation_id=o)
    )
    if acts_for_changed:
        names = organisation_names(set(granted) | acts_for)
        audit.record(
            "rights",
            "AppUser",
            user.id,
            field="acts_for",
            old=_names_text(granted, names),
            new=_names_text(acts_for, names),
            user_id=by_user_id,
        )
    db.session.flush()
    db.session.expire(user, ["granted_rights", "granted_organisations"])
    return rights_changed or acts_for_changed


def _replace(rows: dict, wanted: frozenset, make) -> bool:
    """The stored `rows` (by key) made `wanted`: the others deleted, the missing made;
    returns whether anything changed."""
    if set(rows) == wanted:
        return False
    for key, row in rows.items():
        if key not in wanted:
            db.session.delete(row)
    db.session.add_all(make(key) for key in wanted - set(rows))
    return True


def rights_text(rights: Iterable[Right]) -> str:
    """The rights as the log stores them: their codes, in a fixed order."""
    return ",".join(r.value for r in Right if r in set(rights))


def _names_text(ids: Iterable[int], names: dict[int, str]) -> str:
    return "; ".join(sorted(names.get(i, str(i)) for i in ids))


def rights_choices(user_or_holder) -> list[Right]:
    return list(applicable_rights(user_or_holder.organisation_id, user_or_holder.municipality_id))
