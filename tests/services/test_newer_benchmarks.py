"""When a package has newer benchmarks to update to (user guide 5.2.6): a benchmark of its
year or of the year before, set or ended after the moment the package's benchmarks were
fixed. Times and years are chosen by hand around that moment."""

import datetime as dt

import pytest
from sqlalchemy import delete, update

from app.models import Benchmark, Package
from app.services.benchmark_update import newer_benchmarks
from tests.services.test_filling import package_of

AS_OF = dt.datetime(2026, 3, 1, 12, 0)
BEFORE = AS_OF - dt.timedelta(days=1)
AFTER = AS_OF + dt.timedelta(seconds=1)


@pytest.fixture
def package(world, db):
    """101's 2026 package, its benchmarks fixed at AS_OF, and no benchmark rows at all."""
    package = package_of(db, 101)
    db.session.execute(delete(Benchmark))
    db.session.execute(
        update(Package).where(Package.id == package.id).values(benchmarks_as_of=AS_OF)
    )
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Package, package.id)


def _benchmark(db, year, valid_from, valid_to=None, key="efficiency"):
    db.session.add(
        Benchmark(year=year, key=key, value=90, valid_from=valid_from, valid_to=valid_to)
    )
    db.session.commit()


@pytest.mark.parametrize("year", [2026, 2025])
def test_a_benchmark_set_after_the_moment_is_newer(package, db, year):
    _benchmark(db, year, valid_from=AFTER)
    assert newer_benchmarks(package)


@pytest.mark.parametrize("year", [2026, 2025])
def test_a_benchmark_ended_after_the_moment_is_newer(package, db, year):
    _benchmark(db, year, valid_from=BEFORE, valid_to=AFTER)
    assert newer_benchmarks(package)


def test_benchmarks_set_and_ended_before_the_moment_are_not_newer(package, db):
    _benchmark(db, 2026, valid_from=BEFORE - dt.timedelta(days=1), valid_to=BEFORE)
    _benchmark(db, 2026, valid_from=BEFORE, key="vacancy_rate_family")
    assert not newer_benchmarks(package)


def test_a_benchmark_set_or_ended_at_the_very_moment_is_not_newer(package, db):
    """The package was fixed at that moment: it already compares with it."""
    _benchmark(db, 2026, valid_from=AS_OF)
    _benchmark(db, 2025, valid_from=BEFORE, valid_to=AS_OF)
    assert not newer_benchmarks(package)


@pytest.mark.parametrize("year", [2027, 2024, 2030])
def test_a_benchmark_of_another_year_is_not_newer(package, db, year):
    """Only the package's own year and the year before (whose benchmarks it may carry
    forward) count."""
    _benchmark(db, year, valid_from=AFTER)
    _benchmark(db, year, valid_from=BEFORE, valid_to=AFTER, key="vacancy_rate_family")
    assert not newer_benchmarks(package)


def test_updating_moves_the_moment_and_logs_it_with_who(package, db):
    from sqlalchemy import select

    from app.models import AuditEntry
    from app.services.benchmark_update import update_benchmarks
    from tests.services.test_filling import actor

    _benchmark(db, 2026, valid_from=AFTER)
    bo = actor(db, "bo")
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    update_benchmarks(package.id, bo)
    db.session.expire_all()
    moved = db.session.get(Package, package.id).benchmarks_as_of
    assert moved is not None and moved >= started
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "update_benchmarks"))
    assert (
        entry.entity,
        entry.entity_id,
        entry.package_id,
        entry.field,
        entry.old_value,
        entry.new_value,
        entry.user_id,
    ) == ("Package", package.id, package.id, "benchmarks_as_of", str(AS_OF), str(moved), bo.user_id)
    assert not newer_benchmarks(db.session.get(Package, package.id))


def test_a_municipality_may_not_update_a_packages_benchmarks(package, db):
    from app.services.benchmark_update import update_benchmarks
    from app.services.errors import Locked
    from tests.services.test_filling import actor

    _benchmark(db, 2026, valid_from=AFTER)
    with pytest.raises(Locked) as refused:
        update_benchmarks(package.id, actor(db, "kbh"))
    assert refused.value.message == "Du kan ikke redigere denne dokumentationspakke."
    db.session.expire_all()
    assert db.session.get(Package, package.id).benchmarks_as_of == AS_OF
