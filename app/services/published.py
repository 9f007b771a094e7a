"""What the public sees without logging in (user guide 4): per municipality, the statements
given on dialogues whose meeting has been held, and those packages' report and estate forms,
read-only. Nothing else."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from app.extensions import db
from app.models import Form, Municipality, Organisation, Package, Statement
from app.rules.enums import PackageStatus

MET = (PackageStatus.MEETING_HELD, PackageStatus.STATEMENT_GIVEN)


def _published():
    """Published statements of packages whose meeting is held."""
    return (
        select(Statement)
        .join(Package, Package.id == Statement.package_id)
        .join(Organisation, Organisation.id == Package.organisation_id)
        .where(Statement.published.is_(True), Package.status.in_(MET))
    )


@dataclass(frozen=True)
class PublishedMunicipality:
    municipality: Municipality
    statements: int


def municipalities() -> list[PublishedMunicipality]:
    """Every municipality, with how many statements it has published (its own, or on its
    organisations' packages)."""
    counts: dict[int, int] = {}
    for statement in db.session.scalars(_published()):
        counts[statement.municipality_id] = counts.get(statement.municipality_id, 0) + 1
    return [
        PublishedMunicipality(m, counts.get(m.id, 0))
        for m in db.session.scalars(select(Municipality).order_by(Municipality.name))
    ]


def statements_of(municipality_id: int) -> list[Statement]:
    """The statements a municipality gave, and those given on its organisations' packages."""
    return list(
        db.session.scalars(
            _published()
            .where(
                or_(
                    Statement.municipality_id == municipality_id,
                    Package.home_municipality_id == municipality_id,
                )
            )
            .order_by(Package.year.desc(), Organisation.number, Statement.supplementary)
        )
    )


def published_statement(statement_id: int) -> Statement | None:
    return db.session.scalar(_published().where(Statement.id == statement_id))


def published_packages(municipality_id: int) -> list[Package]:
    """The packages of the municipality's organisations whose meeting has been held."""
    return list(
        db.session.scalars(
            select(Package)
            .join(Organisation, Organisation.id == Package.organisation_id)
            .where(Package.home_municipality_id == municipality_id, Package.status.in_(MET))
            .order_by(Package.year.desc(), Organisation.number)
        )
    )


def published_package(package_id: int) -> Package | None:
    """A package whose meeting has been held: its report and estate forms are public."""
    return db.session.scalar(
        select(Package).where(Package.id == package_id, Package.status.in_(MET))
    )


def published_form(form_id: int) -> Form | None:
    return db.session.scalar(
        select(Form)
        .join(Package, Package.id == Form.package_id)
        .where(Form.id == form_id, Package.status.in_(MET))
    )
