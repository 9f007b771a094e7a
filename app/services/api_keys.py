"""API keys for an organisation's own case system (issue: administration organisations read
their packages' status and fill answers from their systems).

A key belongs to the organisation: it is held by a user of its own, made for the key and
bound to the organisation with the organisation's role, so a request made with the key sees
and may change exactly what the organisation's users see and may change through the screens
(the same row-level filter and the same services). The key itself is shown once, when it is
made; only its hash is kept (Flask-AppBuilder's `ab_api_key`). Making, revoking and every use
of a key are in the log."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app
from flask_appbuilder.security.sqla.models import ApiKey
from sqlalchemy import select, update

from app.extensions import db
from app.models import AppUser, Organisation
from app.rules.access import KEY_HOLDER_PREFIX, Actor, role_for_organisation
from app.rules.enums import N_, Right
from app.rules.rights import effective_rights, held_organisations
from app.services import audit
from app.services.errors import FormError, NotFound
from app.services.reading import now
from app.services.rights import administered_ids, granter_of, lock_users, write_rights

HOLDER_PREFIX = KEY_HOLDER_PREFIX
NAME_MAX = 100


@dataclass(frozen=True)
class KeyRow:
    uuid: str
    name: str
    prefix: str
    created_on: object
    last_used_on: object
    revoked_on: object

    @property
    def active(self) -> bool:
        return self.revoked_on is None


# what a key may do: read and fill the organisation's packages (sending stays with people),
# for every administered organisation if its maker acts for all
KEY_RIGHTS = frozenset({Right.READ, Right.FILL_AND_SEND, Right.ALL_ADMINISTERED})


def may_manage(actor: Actor, organisation_id: int) -> bool:
    """LBF for any organisation; an organisation's local administrator for its own (not for
    those it administers: each organisation holds its own keys)."""
    if actor.is_lbf:
        return True
    return (
        actor.is_organisation
        and actor.organisation_id == organisation_id
        and actor.holds(Right.LOCAL_ADMIN)
    )


def _organisation(actor: Actor, organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not may_manage(actor, organisation_id):
        raise NotFound(N_("Organisationen findes ikke."))
    return organisation


def keys_of(actor: Actor, organisation_id: int) -> list[KeyRow]:
    """The organisation's keys, newest first, revoked ones included."""
    _organisation(actor, organisation_id)
    rows = db.session.execute(
        select(
            ApiKey.uuid,
            ApiKey.name,
            ApiKey.key_prefix,
            ApiKey.created_on,
            ApiKey.last_used_on,
            ApiKey.revoked_on,
        )
        .join(AppUser, AppUser.id == ApiKey.user_id)
        .where(
            AppUser.organisation_id == organisation_id,
            AppUser.username.startswith(HOLDER_PREFIX),
        )
        .order_by(ApiKey.created_on.desc(), ApiKey.id.desc())
    ).all()
    return [KeyRow(*row) for row in rows]


def create_key(actor: Actor, organisation_id: int, name: str) -> tuple[KeyRow, str]:
    """A new key for the organisation, named by `name`; the key itself is returned once."""
    organisation = _organisation(actor, organisation_id)
    name = (name or "").strip()
    if not name:
        raise FormError(N_("Giv nøglen et navn, fx det system, der skal bruge den."))
    if len(name) > NAME_MAX:
        raise FormError(N_("Navnet må højst være %(count)s tegn."), count=NAME_MAX)
    # nobody grants more than they hold: the key gets the reading and filling its maker
    # holds, for the administered organisations its maker acts for, as stored now (under
    # the maker's row lock, which every change of the maker's rights takes)
    if not actor.is_lbf:
        lock_users(actor.user_id)
    maker = granter_of(actor)
    if not maker.is_lbf and Right.LOCAL_ADMIN not in maker.rights:
        raise NotFound(N_("Organisationen findes ikke."))  # as for one who never was
    sm = current_app.appbuilder.sm
    holder = AppUser(
        username=f"{HOLDER_PREFIX}{organisation.number}-{secrets.token_hex(6)}",
        first_name=name[:64],
        last_name=f"API-nøgle for {organisation.number}"[:64],
        email=f"{HOLDER_PREFIX}{secrets.token_hex(8)}@api.invalid",
        active=True,
        organisation_id=organisation.id,
        # no password: the holder never logs in; the key is its only way in
        password=None,
    )
    holder.roles = [sm.find_role(role_for_organisation(organisation.kind).value)]
    db.session.add(holder)
    db.session.flush()
    administered = administered_ids(organisation.id)
    if maker.is_lbf:
        rights, acts_for = KEY_RIGHTS, administered
    else:
        rights = KEY_RIGHTS & effective_rights(maker.rights)
        acts_for = administered & held_organisations(maker, administered)
    if not administered:
        rights -= {Right.ALL_ADMINISTERED}  # given only where some are administered
    write_rights(holder, rights, acts_for, by_user_id=actor.user_id)
    made = sm.create_api_key(holder, name)
    if made is None:
        raise FormError(N_("Nøglen kunne ikke laves. Prøv igen."))
    key = db.session.scalar(select(ApiKey).where(ApiKey.uuid == made["uuid"]))
    key.created_on = now()  # UTC, as the page shows every time
    audit.record("api_key_created", "ApiKey", key.id, field=name, new=organisation.number)
    db.session.commit()
    return _row(key), made["key"]


def revoke_key(actor: Actor, organisation_id: int, uuid: str) -> KeyRow:
    """The key stops working at once; it stays in the list, marked revoked."""
    _organisation(actor, organisation_id)
    key = db.session.scalar(
        select(ApiKey)
        .join(AppUser, AppUser.id == ApiKey.user_id)
        .where(
            ApiKey.uuid == uuid,
            AppUser.organisation_id == organisation_id,
            AppUser.username.startswith(HOLDER_PREFIX),
        )
    )
    if key is None:
        raise NotFound(N_("Nøglen findes ikke."))
    if key.revoked_on is None:
        key.revoked_on = now()
        key.active = False
        db.session.execute(update(AppUser).where(AppUser.id == key.user_id).values(active=False))
        audit.record("api_key_revoked", "ApiKey", key.id, field=key.name)
    db.session.commit()
    return _row(key)


def record_use(key_user: AppUser, method: str, path: str) -> None:
    """Every request made with a key, in the log."""
    audit.record("api_key_used", "ApiKey", None, field=f"{method} {path}"[:80], user_id=key_user.id)
    db.session.commit()


def _row(key: ApiKey) -> KeyRow:
    return KeyRow(
        key.uuid, key.name, key.key_prefix, key.created_on, key.last_used_on, key.revoked_on
    )
