"""Inviting a colleague by e-mail: a local administrator (or LBF) names the person and the
rights; the person gets them at first login.

The mail carries a signed one-time link that expires (INVITATION_VALID_DAYS). With the
embedded login (AUTH_DB) the link opens a page where the person chooses a user name and a
password: the account is made with the invited rights, and the link is spent. With SAML
(NemLog-in / MitID Erhverv) the user is made at first login, bound by CVR to the
organisation or municipality and holding no right; the login calls `claim_for(user)`, which
gives the user the rights of the open invitation to the same address and affiliation. Either
way the inviter must still be able to grant the rights when they are taken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask import current_app
from flask_babel import force_locale, gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from app.extensions import db
from app.models import AppUser, Invitation, Municipality, Organisation
from app.rules.access import Actor, role_for_organisation
from app.rules.enums import N_, Right, Role
from app.rules.rights import Holder, check_grant, check_invitation, check_new_login
from app.rules.violations import Violation
from app.security import row_filter
from app.services import audit, mail
from app.services.errors import Invalid, NotFound
from app.services.reading import now
from app.services.rights import (
    NOT_ADMIN,
    _parse_rights,
    administered_ids,
    ensure_may_manage,
    granter_of,
    holder_of,
    lock_users,
    organisation_names,
    write_rights,
)
from app.services.transitions import Refused, use_case

SALT = "invitation"
INVALID_LINK = N_(
    "Linket er ugyldigt eller udløbet. Bed den, der inviterede dig, om en ny invitation."
)
SPENT_LINK = N_(
    "Invitationen er allerede brugt eller trukket tilbage. Log ind, eller bed om en ny invitation."
)
VOID = Violation(
    "invitation_void",
    N_(
        "Invitationen gælder ikke længere: den, der inviterede dig, kan ikke længere give "
        "disse rettigheder. Bed om en ny invitation."
    ),
)


def valid_days() -> int:
    return int(current_app.config.get("INVITATION_VALID_DAYS") or 7)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(invitation: Invitation) -> str:
    return _serializer().dumps({"invitation": invitation.id, "email": invitation.email})


def link_for(invitation: Invitation) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    return f"{base}/invitation/{token_for(invitation)}"


def _email_taken(email: str) -> bool:
    """An address belongs to one user; an open invitation holds it until taken or expired."""
    email = email.strip().lower()
    if not email:
        return False
    user = db.session.scalar(select(AppUser.id).where(func.lower(AppUser.email) == email))
    invitation = db.session.scalar(
        select(Invitation.id).where(
            func.lower(Invitation.email) == email,
            Invitation.accepted_at.is_(None),
            Invitation.withdrawn_at.is_(None),
            Invitation.expires_at > now(),
        )
    )
    return user is not None or invitation is not None


def _affiliation(actor: Actor, organisation_id, municipality_id) -> tuple[int | None, int | None]:
    """A local administrator invites to its own organisation or municipality; LBF names one."""
    if not actor.is_lbf:
        return actor.organisation_id, actor.municipality_id
    if (organisation_id is None) == (municipality_id is None):
        raise Refused(
            [
                Violation(
                    "affiliation",
                    N_("Vælg den organisation eller kommune, den inviterede skal høre til."),
                    "affiliation",
                )
            ]
        )
    if organisation_id is not None and db.session.get(Organisation, organisation_id) is None:
        raise NotFound(N_("Organisationen findes ikke."))
    if municipality_id is not None and db.session.get(Municipality, municipality_id) is None:
        raise NotFound(N_("Kommunen findes ikke."))
    return organisation_id, municipality_id


@use_case
def invite(
    actor: Actor,
    email: str | None,
    first_name: str | None,
    last_name: str | None,
    rights: Iterable[str],
    acts_for: Iterable[int],
    organisation_id: int | None = None,
    municipality_id: int | None = None,
) -> Invitation:
    """Queue the invitation mail with its link; refused with every reason at once."""
    ensure_may_manage(actor)
    organisation_id, municipality_id = _affiliation(actor, organisation_id, municipality_id)
    rights, acts_for = _parse_rights(rights), frozenset(acts_for)
    email = (email or "").strip()
    invited = Holder(None, organisation_id, municipality_id, rights, acts_for)
    if not actor.is_lbf:
        lock_users(actor.user_id)  # judged on the inviter's rights as stored now
    violations = check_invitation(
        granter_of(actor),
        invited,
        email,
        first_name,
        last_name,
        administered_ids(organisation_id),
        _email_taken(email),
        organisation_names(acts_for),
    )
    if violations:
        raise Refused(violations)
    invitation = Invitation(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        organisation_id=organisation_id,
        municipality_id=municipality_id,
        rights=[r.value for r in Right if r in rights],
        acts_for=sorted(acts_for),
        invited_by_id=actor.user_id,
        created_at=now(),
        expires_at=now() + dt.timedelta(days=valid_days()),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(
        "invite", "Invitation", invitation.id, field="email", new=email, user_id=actor.user_id
    )
    _queue_mail(invitation)
    return invitation


def _queue_mail(invitation: Invitation) -> None:
    place = invitation.organisation or invitation.municipality
    inviter = invitation.invited_by.get_full_name() if invitation.invited_by else None
    with force_locale("da"):
        subject = gettext("Invitation til Almen styringsdialog")
        rights = "\n".join(f"- {gettext(r.label)}" for r in Right if r in invitation.right_set)
        body = gettext(
            "%(inviter)s har inviteret dig til at bruge Almen styringsdialog for %(place)s.\n\n"
            "Du får disse rettigheder:\n%(rights)s\n\n"
            "Åbn linket for at tage imod invitationen. Linket kan bruges én gang og udløber "
            "%(expires)s:\n%(link)s\n",
            inviter=inviter or gettext("Landsbyggefonden"),
            place=str(place),
            rights=rights,
            expires=invitation.expires_at.strftime("%d-%m-%Y"),
            link=link_for(invitation),
        )
    mail.queue(f"invitation:{invitation.id}", invitation.email, subject, body)


def open_invitation(token: str) -> Invitation:
    """The open invitation a link names; Invalid (in words) when the link is not genuine, has
    expired, or was used or withdrawn."""
    try:
        data = _serializer().loads(token, max_age=valid_days() * 24 * 3600)
    except (BadSignature, SignatureExpired):
        raise Invalid(INVALID_LINK) from None
    invitation_id = data.get("invitation") if isinstance(data, dict) else None
    invitation = (
        db.session.get(Invitation, invitation_id) if isinstance(invitation_id, int) else None
    )
    if invitation is None or invitation.email != data.get("email"):
        raise Invalid(INVALID_LINK)
    if not invitation.is_open:
        raise Invalid(SPENT_LINK)
    if invitation.expires_at <= now():
        raise Invalid(INVALID_LINK)
    return invitation


def _lock(invitation_id: int) -> Invitation:
    invitation = db.session.scalar(
        select(Invitation)
        .where(Invitation.id == invitation_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if invitation is None or not invitation.is_open:
        raise Invalid(SPENT_LINK)
    return invitation


def _still_grantable(invitation: Invitation) -> list[Violation]:
    """The inviter must still hold what the invitation gives (nobody grants more than they
    hold, also when the grant takes effect): judged under the inviter's row lock, which every
    change of the inviter's rights takes, on the rights read after it."""
    if invitation.invited_by_id is None:
        return [VOID]
    lock_users(invitation.invited_by_id)
    inviter = db.session.get(AppUser, invitation.invited_by_id, populate_existing=True)
    if inviter is None or not inviter.active:
        return [VOID]
    blank = Holder(None, invitation.organisation_id, invitation.municipality_id)
    violations = check_grant(
        holder_of(inviter),
        blank,
        invitation.right_set,
        invitation.acts_for or [],
        administered_ids(invitation.organisation_id),
    )
    return [VOID] if violations else []


def _role_for(invitation: Invitation):
    sm = current_app.appbuilder.sm
    if invitation.municipality_id is not None:
        return sm.find_role(Role.MUNICIPALITY.value)
    return sm.find_role(role_for_organisation(invitation.organisation.kind).value)


def _take(invitation: Invitation, user: AppUser) -> None:
    """Give the user the invited rights and spend the invitation, audited."""
    holder = holder_of(user)
    write_rights(
        user,
        holder.rights | invitation.right_set,
        holder.acts_for | frozenset(invitation.acts_for or []),
        invitation.invited_by_id,
    )
    invitation.accepted_at = now()
    invitation.user_id = user.id
    audit.record(
        "invitation_accepted",
        "AppUser",
        user.id,
        field="email",
        new=invitation.email,
        user_id=user.id,
    )


def _account_refusals(username: str, password, confirmation, email: str) -> list[Violation]:
    """Why an account with this user name, password and address cannot be made now."""
    taken = db.session.scalar(
        select(AppUser.id).where(func.lower(AppUser.username) == username.lower())
    )
    violations = check_new_login(username, password, confirmation, taken is not None)
    email_used = db.session.scalar(
        select(AppUser.id).where(func.lower(AppUser.email) == email.lower())
    )
    if email_used is not None:
        violations.append(
            Violation(
                "email_used",
                N_("Der findes allerede en bruger med din e-mailadresse. Log ind med den."),
            )
        )
    return violations


@use_case
def accept(token: str, username: str | None, password: str | None, confirmation: str | None):
    """The embedded login: the invited person's account, with the invited rights."""
    invitation = _lock(open_invitation(token).id)
    username = (username or "").strip()
    violations = _account_refusals(username, password, confirmation, invitation.email)
    violations += _still_grantable(invitation)
    if violations:
        raise Refused(violations)
    email = invitation.email
    user = current_app.appbuilder.sm.add_user(
        username=username,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
        email=email,
        role=_role_for(invitation),
        password=password,
        commit=False,
    )
    if not user:
        # another account took the user name or the address a moment ago (the failed
        # insert waited for it): say which
        raise Refused(
            _account_refusals(username, password, confirmation, email)
            or [Violation("not_created", N_("Brugeren kunne ikke oprettes. Prøv igen."))]
        )
    user.organisation_id = invitation.organisation_id
    user.municipality_id = invitation.municipality_id
    db.session.flush()
    _take(invitation, user)
    return user


def claim_for(user: AppUser) -> Invitation | None:
    """A first login through SAML: the user, made and bound to its organisation or
    municipality by the login, takes the open invitation to its address there (the newest);
    returns it, or None. Commits."""
    invitation = db.session.scalar(
        select(Invitation)
        .where(
            func.lower(Invitation.email) == (user.email or "").lower(),
            Invitation.organisation_id.is_(None)
            if user.organisation_id is None
            else Invitation.organisation_id == user.organisation_id,
            Invitation.municipality_id.is_(None)
            if user.municipality_id is None
            else Invitation.municipality_id == user.municipality_id,
            Invitation.accepted_at.is_(None),
            Invitation.withdrawn_at.is_(None),
            Invitation.expires_at > now(),
        )
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        .limit(1)
    )
    if invitation is None:
        return None
    try:
        invitation = _lock(invitation.id)
    except Invalid:  # withdrawn or taken a moment ago: the user stays without rights
        db.session.rollback()
        return None
    if _still_grantable(invitation):
        db.session.rollback()
        return None
    # the login made the user with no role; the invitation gives its affiliation's
    user.roles = [_role_for(invitation)]
    _take(invitation, user)
    db.session.commit()
    return invitation


def open_invitations(actor: Actor, organisation_id=None, municipality_id=None) -> list[Invitation]:
    """The invitations not yet taken that the actor manages (expired ones included, marked)."""
    ensure_may_manage(actor)
    query = select(Invitation).where(
        row_filter(Invitation, actor),
        Invitation.accepted_at.is_(None),
        Invitation.withdrawn_at.is_(None),
    )
    if organisation_id is not None:
        query = query.where(Invitation.organisation_id == organisation_id)
    if municipality_id is not None:
        query = query.where(Invitation.municipality_id == municipality_id)
    return list(db.session.scalars(query.order_by(Invitation.created_at.desc(), Invitation.id)))


@use_case
def withdraw(actor: Actor, invitation_id: int) -> Invitation:
    ensure_may_manage(actor)
    if not actor.is_lbf:
        lock_users(actor.user_id)
        if Right.LOCAL_ADMIN not in granter_of(actor).rights:
            raise Refused([NOT_ADMIN])
    invitation = db.session.scalar(
        select(Invitation)
        .where(Invitation.id == invitation_id, row_filter(Invitation, actor))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if invitation is None:
        raise NotFound(N_("Invitationen findes ikke."))
    if not invitation.is_open:
        raise Refused([Violation("spent", SPENT_LINK)])
    invitation.withdrawn_at = now()
    audit.record(
        "invitation_withdrawn",
        "Invitation",
        invitation.id,
        field="email",
        old=invitation.email,
        user_id=actor.user_id,
    )
    return invitation
