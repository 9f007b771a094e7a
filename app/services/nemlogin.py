"""Login through NemLog-in (MitID Erhverv): the authentication requests sent, the answer
accepted once, and the person found or made a user of the organisation or municipality
their CVR number names. Every refusal is logged and leaves nothing made.

The SAML library checks the response itself (signature, issuer, audience, times,
destination); `app.views.login` maps its verdict to the refusals named here."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, func, select, update

from app.extensions import db
from app.models import AppUser, Municipality, Organisation, SamlAuthnRequest
from app.rules.enums import N_, Role
from app.rules.nemlogin import Claims
from app.rules.violations import Violation
from app.services import audit
from app.services.reading import now

log = logging.getLogger(__name__)

# how long an authentication request is answered: the person logs in with MitID meanwhile
REQUEST_LIFETIME = dt.timedelta(minutes=15)
# requests older than this are removed when a new one is made
REQUEST_KEPT = dt.timedelta(days=1)


class LoginRefused(Exception):
    """A login the platform does not accept; `violation` says why, in Danish."""

    def __init__(self, violation: Violation, detail: str = ""):
        super().__init__(violation.code)
        self.violation = violation
        self.detail = detail


# the refusals decided here or from the SAML library's verdict, each a message id
UNKNOWN_REQUEST = Violation(
    "unknown_request",
    N_(
        "Login afvist: svaret fra NemLog-in hører ikke til et login, der er startet her. "
        "Prøv at logge ind igen."
    ),
)
USED_REQUEST = Violation(
    "used_request",
    N_(
        "Login afvist: svaret fra NemLog-in er allerede brugt eller for gammelt. "
        "Prøv at logge ind igen."
    ),
)
WRONG_AUDIENCE = Violation(
    "wrong_audience", N_("Login afvist: svaret fra NemLog-in er udstedt til en anden tjeneste.")
)
WRONG_ISSUER = Violation("wrong_issuer", N_("Login afvist: svaret kommer ikke fra NemLog-in."))
EXPIRED = Violation(
    "expired",
    N_("Login afvist: svaret fra NemLog-in er udløbet. Prøv at logge ind igen."),
)
NOT_YET_VALID = Violation(
    "not_yet_valid",
    N_(
        "Login afvist: svaret fra NemLog-in er endnu ikke gyldigt. Kontrollér, at "
        "computerens ur går rigtigt, og prøv igen."
    ),
)
BAD_SIGNATURE = Violation(
    "bad_signature",
    N_("Login afvist: svaret fra NemLog-in er ikke underskrevet, eller underskriften er forkert."),
)
NOT_ACCEPTED = Violation(
    "not_accepted", N_("Login afvist: svaret fra NemLog-in kunne ikke godkendes.")
)
INACTIVE_USER = Violation(
    "inactive_user", N_("Login afvist: din bruger er spærret. Kontakt Landsbyggefonden.")
)


def unknown_cvr(cvr: str) -> Violation:
    return Violation(
        "unknown_cvr",
        N_(
            "Login afvist: CVR-nummeret %(cvr)s hører ikke til en organisation eller kommune "
            "på platformen. Kontakt Landsbyggefonden."
        ),
        "cvr",
        (("cvr", cvr),),
    )


def other_affiliation(cvr: str) -> Violation:
    return Violation(
        "other_affiliation",
        N_(
            "Login afvist: din bruger hører til en anden organisation eller kommune end "
            "CVR-nummeret %(cvr)s. Kontakt Landsbyggefonden."
        ),
        "cvr",
        (("cvr", cvr),),
    )


# --- authentication requests -----------------------------------------------------------------


def remember_request(request_id: str) -> None:
    """An authentication request was sent: its answer will be accepted once."""
    moment = now()
    db.session.execute(
        delete(SamlAuthnRequest).where(SamlAuthnRequest.issued_at < moment - REQUEST_KEPT)
    )
    db.session.add(SamlAuthnRequest(id=request_id[:100], issued_at=moment))
    db.session.commit()


def take_answer(in_response_to: str | None) -> None:
    """The answer to a request this platform sent, within its lifetime and never before
    answered; the one statement decides it, so two copies posted at once get one yes."""
    if not in_response_to:
        raise LoginRefused(UNKNOWN_REQUEST, "no InResponseTo")
    moment = now()
    taken = db.session.execute(
        update(SamlAuthnRequest)
        .where(
            SamlAuthnRequest.id == in_response_to,
            SamlAuthnRequest.answered_at.is_(None),
            SamlAuthnRequest.issued_at >= moment - REQUEST_LIFETIME,
        )
        .values(answered_at=moment)
    ).rowcount
    db.session.commit()
    if taken == 1:
        return
    if db.session.get(SamlAuthnRequest, in_response_to[:100]) is None:
        raise LoginRefused(UNKNOWN_REQUEST, f"InResponseTo {in_response_to!r} was not sent here")
    raise LoginRefused(USED_REQUEST, f"request {in_response_to!r} already answered or expired")


# --- the person ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Affiliation:
    """Whom a CVR number belongs to: an organisation, a municipality, or LBF (neither)."""

    organisation_id: int | None = None
    municipality_id: int | None = None
    name: str = ""


def affiliation_of(cvr: str) -> Affiliation | None:
    """The active organisation or the municipality with the CVR number, or LBF when it is
    LBF's own (configured); None when no one has it."""
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.cvr == cvr, Organisation.active.is_(True))
    )
    if organisation is not None:
        return Affiliation(organisation_id=organisation.id, name=str(organisation))
    municipality = db.session.scalar(select(Municipality).where(Municipality.cvr == cvr))
    if municipality is not None:
        return Affiliation(municipality_id=municipality.id, name=str(municipality))
    if cvr == current_app.config.get("SAML_LBF_CVR"):
        return Affiliation(name="Landsbyggefonden")
    return None


def sign_in(claims: Claims) -> tuple[AppUser, bool]:
    """The user the claims name, made at the first login (bound to the CVR number's
    organisation or municipality, with no rights: only the Public role until someone grants
    one, in Stamdata → Brugere); returns the user and whether it was made now."""
    affiliation = affiliation_of(claims.cvr)
    if affiliation is None:
        raise LoginRefused(unknown_cvr(claims.cvr), f"CVR {claims.cvr} unknown")
    sm = current_app.appbuilder.sm
    user = _known(claims)
    if user is not None:
        return _signed_in(user, affiliation, claims), False
    user = sm.add_user(
        username=claims.username,
        first_name=claims.first_name or "-",
        last_name=claims.last_name or "-",
        email=_free_email(claims),
        role=sm.find_role(Role.PUBLIC.value),
        commit=False,
    )
    if not user:
        # the same person's first login in another tab made the user a moment ago (the
        # failed insert waited for it): this login takes that user
        user = _known(claims)
        if user is None:
            raise LoginRefused(NOT_ACCEPTED, "the user could not be made")
        return _signed_in(user, affiliation, claims), False
    user.organisation_id = affiliation.organisation_id
    user.municipality_id = affiliation.municipality_id
    db.session.flush()
    audit.record(
        "nemlogin_user_created",
        "AppUser",
        user.id,
        field="cvr",
        new=f"{claims.cvr} ({affiliation.name})",
        user_id=user.id,
    )
    log.info("NemLog-in: user %s made for CVR %s (%s)", user.id, claims.cvr, affiliation.name)
    return user, True


def _known(claims: Claims) -> AppUser | None:
    return db.session.scalar(select(AppUser).where(AppUser.username == claims.username))


def _signed_in(user: AppUser, affiliation: Affiliation, claims: Claims) -> AppUser:
    """A known user logs in: still active and of the CVR number's affiliation."""
    if not user.active:
        raise LoginRefused(INACTIVE_USER, f"user {user.id} inactive")
    if (user.organisation_id, user.municipality_id) != (
        affiliation.organisation_id,
        affiliation.municipality_id,
    ):
        raise LoginRefused(
            other_affiliation(claims.cvr), f"user {user.id} belongs elsewhere than CVR"
        )
    _update_names(user, claims)
    return user


def _update_names(user: AppUser, claims: Claims) -> None:
    """Names and address as MitID Erhverv has them now (an address another user has is kept
    as it was)."""
    if claims.first_name:
        user.first_name = claims.first_name
    if claims.last_name:
        user.last_name = claims.last_name
    if claims.email and claims.email != user.email and not _email_taken(claims.email, user.id):
        user.email = claims.email


def _email_taken(email: str, user_id: int | None = None) -> bool:
    query = select(AppUser.id).where(func.lower(AppUser.email) == email.lower())
    if user_id is not None:
        query = query.where(AppUser.id != user_id)
    return db.session.scalar(query.limit(1)) is not None


def _free_email(claims: Claims) -> str:
    """The address MitID Erhverv gives; one that is missing or held by another user (a
    password account of the same person) is replaced by a placeholder to be corrected."""
    if claims.email and not _email_taken(claims.email):
        return claims.email
    return f"{claims.username.removeprefix('nemlogin:')[:60]}@mitid-erhverv.invalid"


def record_login(user: AppUser, claims: Claims) -> None:
    audit.record(
        "nemlogin_login",
        "AppUser",
        user.id,
        field="loa",
        new=f"{claims.loa}, CVR {claims.cvr}",
        user_id=user.id,
    )


def record_refusal(refusal: LoginRefused, cvr: str | None = None) -> None:
    """A refused login: in the log and as an audit entry; whatever the attempt had begun to
    write is dropped first."""
    db.session.rollback()
    log.warning(
        "NemLog-in login refused (%s): %s%s",
        refusal.violation.code,
        refusal.detail,
        f" CVR {cvr}" if cvr else "",
    )
    audit.record(
        "login_refused",
        "Login",
        field=refusal.violation.code,
        new=(refusal.detail or refusal.violation.code)[:2000],
        user_id=None,
    )
    db.session.commit()
