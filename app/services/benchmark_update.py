""" "Opdater benchmarktal" (user guide 5.2.6): a package is compared with the benchmarks valid
when it was opened. When newer ones exist (computed from more filed accounts, carried by a
new index or set by LBF) the organisation may, until submission, move its package to them;
the flags are then derived again and new comments may become required. A submitted package
never changes."""

from __future__ import annotations

from sqlalchemy import or_, select

from app.extensions import db
from app.models import Benchmark, Form, Package
from app.rules.access import Actor
from app.services import audit
from app.services.errors import Locked
from app.services.last_year import NOT_EDITABLE
from app.services.reading import may_edit, now, visible_package
from app.services.statuses import (
    DERIVED_STATUSES,
    lock_forms,
    lock_package,
    refresh_package_forms,
)


def newer_benchmarks(package: Package) -> bool:
    """Whether a benchmark of the package's year (or last year's, which it may carry) has
    been set or replaced since the package's benchmarks were fixed, before submission."""
    if package.benchmarks_as_of is None or package.status not in DERIVED_STATUSES:
        return False
    since = package.benchmarks_as_of
    changed = db.session.scalar(
        select(Benchmark.id)
        .where(
            Benchmark.year.in_([package.year, package.year - 1]),
            or_(Benchmark.valid_from > since, Benchmark.valid_to > since),
        )
        .limit(1)
    )
    return changed is not None


def update_benchmarks(package_id: int, actor: Actor) -> int:
    """Move the package to the current benchmarks; returns how many forms changed status.
    Nothing happens when no newer benchmarks exist."""
    package = visible_package(package_id, actor)
    if not may_edit(package, actor):
        raise Locked(NOT_EDITABLE)
    # every form's lock, then the package's (the savers' order), read after them: a package
    # submitted meanwhile is refused
    lock_forms(list(db.session.scalars(select(Form.id).where(Form.package_id == package_id))))
    package = lock_package(package_id)
    if not may_edit(package, actor):
        db.session.rollback()
        raise Locked(NOT_EDITABLE)
    if not newer_benchmarks(package):
        db.session.rollback()
        return 0
    before = package.benchmarks_as_of
    package.benchmarks_as_of = now()
    audit.record(
        "update_benchmarks",
        "Package",
        package.id,
        package_id=package.id,
        field="benchmarks_as_of",
        old=before,
        new=package.benchmarks_as_of,
        user_id=actor.user_id,
    )
    db.session.flush()  # the forms' statuses are derived from the package as now stored
    changed = refresh_package_forms(package.id)
    db.session.commit()
    return changed
