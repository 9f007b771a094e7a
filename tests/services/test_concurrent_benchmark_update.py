""" "Opdater benchmarktal" and "Fremsend" at the same moment, on PostgreSQL with real threads:
either the package is sent with the benchmarks it had (and the update is refused), or it is
updated first, a new flag asks for its comment and the submission is refused; never a
submitted package whose benchmarks moved, nor one sent with an uncommented flag."""

import pytest
from sqlalchemy import select, update

from app.models import Benchmark, Form, Package
from app.rules.enums import PackageStatus
from app.services import forms as service
from app.services import return_package, submit
from app.services.benchmark_update import update_benchmarks
from app.services.errors import FormError
from app.services.reading import now
from app.services.statuses import refresh_package_forms
from tests.services.test_concurrent_dialogue import _actor, _at_once, complete_pg  # noqa: F401

pytestmark = pytest.mark.postgres

ROUNDS = 6


def _unflagged_figure(db, package_id):
    """A key figure with a value in a table of the package that is not flagged (so its
    comment is not required and not given)."""
    for form in db.session.scalars(select(Form).where(Form.package_id == package_id)):
        definition = service.definition_of(form)
        figures = service.form_figures(form, definition)
        flagged = service.flagged_items(definition, figures)
        for table in definition.key_figure_tables():
            if table.key in flagged:
                continue
            for row in table.rows:
                cell = figures.get(row.figure)
                if cell and cell.value and cell.result.flag.value == "NONE" and cell.benchmark:
                    return row.figure, cell.value
    raise AssertionError("the demo package has no unflagged figure with a value")


def _lbf_sets(db, year, key, value):
    """A newer benchmark for the whole sector, as LBF's screen stores it."""
    moment = now()
    db.session.execute(
        update(Benchmark)
        .where(Benchmark.year == year, Benchmark.key == key, Benchmark.valid_to.is_(None))
        .values(valid_to=moment)
    )
    db.session.add(Benchmark(year=year, key=key, peer_group="", value=value, valid_from=moment))
    db.session.commit()


def test_an_update_of_benchmarks_and_a_submission_at_once_never_send_a_moved_package(
    app,
    db,
    complete_pg,  # noqa: F811
):
    package = db.session.get(Package, complete_pg)
    key, value = _unflagged_figure(db, complete_pg)
    definition = service.questionnaire_of(package).key_figure(key)
    # far from the value in the worse direction: red after the update
    _lbf_sets(
        db, package.year, key, value * 3 if definition.direction == "lower_is_worse" else value / 3
    )
    outcomes = set()
    for _ in range(ROUNDS):
        db.session.expire_all()
        before = db.session.get(Package, complete_pg).benchmarks_as_of
        assert db.session.get(Package, complete_pg).status == PackageStatus.COMPLETE
        db.session.rollback()
        sent, updated = _at_once(
            app,
            [
                ("bo", lambda who: submit.submit(complete_pg, who)),
                ("bo", lambda who: update_benchmarks(complete_pg, who)),
            ],
        )
        db.session.expire_all()
        package = db.session.get(Package, complete_pg)
        if package.status == PackageStatus.SUBMITTED:
            outcomes.add("sent")
            assert isinstance(updated, FormError), updated
            assert package.benchmarks_as_of == before
            return_package.return_package(complete_pg, _actor(db, "kbh"), "Igen.")
        else:
            outcomes.add("updated")
            assert isinstance(sent, FormError), sent
            assert package.benchmarks_as_of > before
            assert package.status == PackageStatus.IN_PROGRESS  # the new flag's comment
            # back to the benchmarks it had, for the next round
            db.session.execute(
                update(Package).where(Package.id == complete_pg).values(benchmarks_as_of=before)
            )
            db.session.commit()
            refresh_package_forms(complete_pg)
            db.session.commit()
    assert outcomes, "no round ran"
