"""LBF opens a dialogue year for the whole sector: one package per organisation."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import insert, select

from app.extensions import db
from app.models import AuditEntry, Estate, Form, Organisation, Package
from app.rules.enums import PackageStatus
from app.rules.year import planned_forms
from app.services.audit import current_user_id


@dataclass(frozen=True)
class OpenYearResult:
    year: int
    packages_created: int
    forms_created: int
    packages_existing: int

    @property
    def rows_written(self) -> int:
        # packages, forms and one audit entry per package
        return 2 * self.packages_created + self.forms_created


class OpenYearError(ValueError):
    pass


def open_year(year: int, questionnaire_version: str, user_id: int | None = None) -> OpenYearResult:
    """Create the year's package for every active organisation that has none yet.

    Each package records the organisation's home municipality and administrator, each estate
    form its estate's municipality, as the master data says now: later changes reach the
    year only when LBF applies them (services/master_data.py). Running it again creates
    nothing new. Everything is written in one transaction.
    """
    if not 2010 <= year <= 2100:
        raise OpenYearError(f"invalid dialogue year: {year}")
    user_id = user_id if user_id is not None else current_user_id()
    session = db.session
    have_package = set(session.scalars(select(Package.organisation_id).where(Package.year == year)))
    organisations = session.execute(
        select(
            Organisation.id,
            Organisation.kind,
            Organisation.home_municipality_id,
            Organisation.administered_by_id,
        ).where(Organisation.active.is_(True))
    ).all()
    todo = [row for row in organisations if row.id not in have_package]
    if not todo:
        return OpenYearResult(year, 0, 0, len(have_package))

    estates_by_org = defaultdict(list)
    municipality_of = {}
    for estate_id, org_id, number, state, municipality_id in session.execute(
        select(
            Estate.id, Estate.organisation_id, Estate.number, Estate.state, Estate.municipality_id
        )
    ):
        estates_by_org[org_id].append((estate_id, number, state))
        municipality_of[estate_id] = municipality_id

    # the year's recipients and administrators are the master data of this moment
    package_rows = [
        {
            "organisation_id": org.id,
            "year": year,
            "questionnaire_version": questionnaire_version,
            "status": PackageStatus.READY,
            "home_municipality_id": org.home_municipality_id,
            "administered_by_id": org.administered_by_id,
        }
        for org in todo
    ]
    created = session.execute(
        insert(Package).returning(
            Package.id, Package.organisation_id, sort_by_parameter_order=True
        ),
        package_rows,
    ).all()
    package_of = {org_id: package_id for package_id, org_id in created}

    form_rows = []
    for org in todo:
        for planned in planned_forms(org.kind, estates_by_org.get(org.id, ())):
            form_rows.append(
                {
                    "package_id": package_of[org.id],
                    "kind": planned.kind,
                    "estate_id": planned.estate_id,
                    "municipality_id": municipality_of.get(planned.estate_id),
                    "sort_key": planned.sort_key,
                }
            )
    session.execute(insert(Form), form_rows)
    session.execute(
        insert(AuditEntry),
        [
            {
                "user_id": user_id,
                "action": "open_year",
                "entity": "Package",
                "entity_id": package_id,
                "package_id": package_id,
                "field": "status",
                "new_value": PackageStatus.READY.value,
            }
            for package_id, _org in created
        ],
    )
    session.commit()
    return OpenYearResult(year, len(created), len(form_rows), len(have_package))
