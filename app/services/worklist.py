"""The municipality's worklist (user guide 5.1): for a dialogue year, every organisation with
its home or estates in the municipality, with status, deadline, overdue, submission, meeting
and statement; filtered and sorted. One query, through the row-level filter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, select

from app.extensions import db
from app.models import Organisation, Package, Statement
from app.rules.access import Actor
from app.rules.deadlines import is_overdue
from app.rules.enums import PackageStatus
from app.security import row_filter, visible_years


@dataclass(frozen=True)
class WorklistRow:
    package: Package
    home: bool
    overdue: bool
    statement_given: bool


SORTS = {
    "organisation": lambda r: (r.package.organisation.number,),
    "status": lambda r: (
        list(PackageStatus).index(r.package.status),
        r.package.organisation.number,
    ),
    "deadline": lambda r: (r.package.deadline or dt.date.max, r.package.organisation.number),
    "submitted": lambda r: (
        r.package.submitted_at or dt.datetime.max,
        r.package.organisation.number,
    ),
}


def years(actor: Actor) -> list[int]:
    return visible_years(Package, actor)


def worklist(
    actor: Actor,
    year: int,
    today: dt.date,
    *,
    status: str | None = None,
    relation: str | None = None,
    overdue_only: bool = False,
    sort: str = "organisation",
) -> list[WorklistRow]:
    own_statement = exists().where(
        Statement.package_id == Package.id, Statement.municipality_id == actor.municipality_id
    )
    query = (
        select(Package, own_statement)
        .join(Organisation, Organisation.id == Package.organisation_id)
        .where(Package.year == year, row_filter(Package, actor))
    )
    if status in PackageStatus.__members__:
        query = query.where(Package.status == PackageStatus(status))
    rows = []
    for package, statement in db.session.execute(query):
        home = package.home_municipality_id == actor.municipality_id
        if relation == "home" and not home or relation == "location" and home:
            continue
        overdue = is_overdue(package.deadline, package.status.is_submitted, today)
        if overdue_only and not overdue:
            continue
        given = package.status == PackageStatus.STATEMENT_GIVEN if home else bool(statement)
        rows.append(WorklistRow(package, home, overdue, given))
    return sorted(rows, key=SORTS.get(sort, SORTS["organisation"]))
