"""Master data an opened year has not taken (issue: registers; user guide 1).

When a year is opened each package records its organisation's home municipality and
administrator, each estate form its estate's municipality. A later change of the master data
(a register import, or LBF's edit of an organisation or an estate) reaches years opened after
it; an opened year keeps its recipients and administrators unless LBF applies the change to
it. This module lists what differs and applies it, package by package, to packages not yet
submitted: a submitted package has gone to its municipalities and keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app.extensions import db
from app.models import Estate, Form, Municipality, Organisation, Package
from app.rules.access import Actor
from app.rules.enums import N_
from app.services import audit
from app.services.errors import NotFound
from app.services.statuses import lock_forms, lock_package

HOME = "home_municipality"
ADMINISTRATOR = "administrator"
ESTATE = "estate_municipality"

KIND_LABELS = {
    HOME: N_("Hjemstedskommune"),
    ADMINISTRATOR: N_("Administrationsorganisation"),
    ESTATE: N_("Afdelingens kommune"),
}


@dataclass(frozen=True)
class Difference:
    kind: str
    estate: str | None  # the estate "3 Solgården" it concerns, or None: the organisation
    recorded: str  # what the package recorded when the year was opened
    now: str  # what the master data says now

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class PackageDifferences:
    package: Package
    differences: list[Difference] = field(default_factory=list)

    @property
    def submitted(self) -> bool:
        return self.package.status.is_submitted


def _name(model, id_) -> str:
    if id_ is None:
        return "–"
    return str(db.session.get(model, id_))


def differences(year: int) -> list[PackageDifferences]:
    """The year's packages whose recorded recipients or administrator differ from today's
    master data, in organisation-number order, with each difference."""
    by_package: dict[int, PackageDifferences] = {}

    def of(package: Package) -> PackageDifferences:
        return by_package.setdefault(package.id, PackageDifferences(package))

    packages = db.session.execute(
        select(Package, Organisation.home_municipality_id, Organisation.administered_by_id)
        .join(Organisation, Organisation.id == Package.organisation_id)
        .where(Package.year == year)
    ).all()
    for package, home_id, administrator_id in packages:
        for kind, model, recorded, now in (
            (HOME, Municipality, package.home_municipality_id, home_id),
            (ADMINISTRATOR, Organisation, package.administered_by_id, administrator_id),
        ):
            if recorded != now:
                of(package).differences.append(
                    Difference(kind, None, _name(model, recorded), _name(model, now))
                )
    moved = db.session.execute(
        select(Form, Estate.municipality_id)
        .join(Estate, Estate.id == Form.estate_id)
        .join(Package, Package.id == Form.package_id)
        .where(Package.year == year, Form.municipality_id != Estate.municipality_id)
        .order_by(Form.sort_key)
    ).all()
    for form, municipality_id in moved:
        of(form.package).differences.append(
            Difference(
                ESTATE,
                str(form.estate),
                _name(Municipality, form.municipality_id),
                _name(Municipality, municipality_id),
            )
        )
    return sorted(by_package.values(), key=lambda d: d.package.organisation.number)


@dataclass(frozen=True)
class Applied:
    packages: int  # packages that took today's master data
    submitted: tuple[str, ...]  # organisations whose package was submitted and kept its own


def apply_to_year(year: int, package_ids: list[int], actor: Actor) -> Applied:
    """Today's home municipality, administrator and estate municipalities for the chosen
    packages of the year that are not submitted, audited; LBF only. Each package is decided
    under its forms' and its own lock (the submission's order), so a package submitted
    meanwhile keeps what it was sent with."""
    if not actor.is_lbf:
        raise NotFound(N_("Siden findes ikke."))
    applied = 0
    submitted = []
    for package_id in sorted(set(package_ids)):
        form_ids = list(db.session.scalars(select(Form.id).where(Form.package_id == package_id)))
        lock_forms(form_ids)
        package = lock_package(package_id)
        if package is None or package.year != year:
            db.session.rollback()
            continue
        if package.status.is_submitted:
            submitted.append(str(package.organisation))
            db.session.rollback()
            continue
        if _apply(package, actor):
            applied += 1
        db.session.commit()
    return Applied(applied, tuple(submitted))


def _apply(package: Package, actor: Actor) -> bool:
    organisation = db.session.get(Organisation, package.organisation_id)
    changes = []
    for attribute, now in (
        ("home_municipality_id", organisation.home_municipality_id),
        ("administered_by_id", organisation.administered_by_id),
    ):
        if getattr(package, attribute) != now:
            changes.append(("Package", package.id, attribute, getattr(package, attribute), now))
            setattr(package, attribute, now)
    forms = db.session.execute(
        select(Form, Estate.municipality_id)
        .join(Estate, Estate.id == Form.estate_id)
        .where(Form.package_id == package.id, Form.municipality_id != Estate.municipality_id)
        .execution_options(populate_existing=True)
    ).all()
    for form, municipality_id in forms:
        changes.append(("Form", form.id, "municipality_id", form.municipality_id, municipality_id))
        form.municipality_id = municipality_id
    audit.record_many(
        [
            {
                "action": "apply_master_data",
                "entity": entity,
                "entity_id": entity_id,
                "package_id": package.id,
                "field": attribute,
                "old": old,
                "new": new,
            }
            for entity, entity_id, attribute, old, new in changes
        ],
        actor.user_id,
    )
    return bool(changes)
