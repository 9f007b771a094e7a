"""What a municipality sets itself: deadlines for several organisations at once, and the
address its notices go to. All or nothing, every reason at once, audited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.extensions import db
from app.models import Municipality, Organisation, Package
from app.rules.access import Actor
from app.rules.deadlines import check_deadline, check_notification_address
from app.rules.enums import N_, Right
from app.rules.violations import Violation
from app.security import row_filter
from app.services import audit
from app.services.reading import now
from app.services.transitions import Refused, use_case

NOT_PROCESSING = Violation(
    "not_processing", N_("Du har ikke rettighed til at behandle dokumentationspakker.")
)


@use_case
def set_deadlines(actor: Actor, package_ids: list[int], deadline: dt.date | None) -> int:
    """The home municipality's deadline for each chosen package not yet submitted."""
    if not actor.is_municipality:
        raise Refused([Violation("not_allowed", N_("Kun kommunen kan fastsætte frister."))])
    if not actor.holds(Right.PROCESS):
        raise Refused([NOT_PROCESSING])
    if not package_ids:
        raise Refused(
            [Violation("none_chosen", N_("Vælg de organisationer, fristen gælder for."), "ids")]
        )
    packages = list(
        db.session.scalars(
            select(Package)
            .join(Organisation, Organisation.id == Package.organisation_id)
            .where(Package.id.in_(package_ids), row_filter(Package, actor))
            .order_by(Package.id)
            .with_for_update(of=Package)
        )
    )
    violations = []
    if len(packages) != len(set(package_ids)):
        violations.append(Violation("not_found", N_("En af de valgte pakker findes ikke.")))
    for package in packages:
        name = str(package.organisation)
        if package.home_municipality_id != actor.municipality_id:
            violations.append(
                Violation(
                    "not_home",
                    N_("%(organisation)s: kun hjemstedskommunen fastsætter fristen."),
                    "ids",
                    (("organisation", name),),
                )
            )
        elif package.status.is_submitted:
            violations.append(
                Violation(
                    "submitted",
                    N_("%(organisation)s: pakken er fremsendt, fristen kan ikke længere ændres."),
                    "ids",
                    (("organisation", name),),
                )
            )
        else:
            violations += check_deadline(package.year, deadline)
    if violations:
        raise Refused(list(dict.fromkeys(violations)))
    for package in packages:
        audit.record(
            "update",
            "Package",
            package.id,
            package_id=package.id,
            field="deadline",
            old=package.deadline,
            new=deadline,
            user_id=actor.user_id,
        )
        package.deadline = deadline
        package.changed_at = now()
    return len(packages)


@use_case
def set_notification_address(actor: Actor, address: str | None) -> Municipality:
    if not actor.is_municipality:
        raise Refused([Violation("not_allowed", N_("Kun kommunen kan ændre sin adresse."))])
    if not actor.holds(Right.PROCESS):
        raise Refused([NOT_PROCESSING])
    violations = check_notification_address(address)
    if violations:
        raise Refused(violations)
    municipality = db.session.get(Municipality, actor.municipality_id, with_for_update=True)
    new = (address or "").strip() or None
    audit.record(
        "update",
        "Municipality",
        municipality.id,
        field="notification_email",
        old=municipality.notification_email,
        new=new,
        user_id=actor.user_id,
    )
    municipality.notification_email = new
    return municipality
