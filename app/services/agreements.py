"""Agreements made at the dialogue meeting (guidance chapter 7): recorded by the home
municipality once the meeting is held, as rows the organisation follows up next year."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Agreement, Package
from app.rules.access import Actor
from app.rules.enums import N_, PackageStatus
from app.rules.gates import check_agreement
from app.rules.violations import Violation
from app.rules.workflow import NOT_YOURS, Relation
from app.security import relations_to_package
from app.services import audit
from app.services.errors import NotFound
from app.services.transitions import Refused, lock_for_action, use_case

MET = (PackageStatus.MEETING_HELD, PackageStatus.STATEMENT_GIVEN)
NOT_MET = Violation(
    "meeting_not_held", N_("Aftaler registreres, når dialogmødet er markeret som afholdt.")
)


def _home_package(package_id: int, actor: Actor) -> Package:
    package = lock_for_action(package_id, actor)
    if Relation.HOME_MUNICIPALITY not in relations_to_package(actor, package):
        raise Refused([NOT_YOURS])
    if package.status not in MET:
        raise Refused([NOT_MET])
    return package


@use_case
def add_agreement(
    package_id: int, actor: Actor, text: str | None, responsible: str | None, follow_up: str | None
) -> Agreement:
    package = _home_package(package_id, actor)
    violations = check_agreement(text, responsible, follow_up)
    if violations:
        raise Refused(violations)
    agreement = Agreement(
        organisation_id=package.organisation_id,
        municipality_id=actor.municipality_id,
        year=package.year,
        title=text.strip(),
        responsible=responsible.strip(),
        follow_up=(follow_up or "").strip() or None,
    )
    db.session.add(agreement)
    db.session.flush()
    audit.record(
        "agreement_added",
        "Agreement",
        agreement.id,
        package_id=package.id,
        field="title",
        new=agreement.title,
        user_id=actor.user_id,
    )
    return agreement


@use_case
def remove_agreement(package_id: int, agreement_id: int, actor: Actor) -> None:
    package = _home_package(package_id, actor)
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None or (agreement.organisation_id, agreement.year) != (
        package.organisation_id,
        package.year,
    ):
        raise NotFound(N_("Aftalen findes ikke."))
    audit.record(
        "agreement_removed",
        "Agreement",
        agreement.id,
        package_id=package.id,
        field="title",
        old=agreement.title,
        user_id=actor.user_id,
    )
    db.session.delete(agreement)


def agreements_of(organisation_id: int, year: int) -> list[Agreement]:
    """The agreements made at an organisation's dialogue of a year."""
    return list(
        db.session.scalars(
            select(Agreement)
            .where(Agreement.organisation_id == organisation_id, Agreement.year == year)
            .order_by(Agreement.id)
        )
    )
