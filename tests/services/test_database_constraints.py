"""What the database itself holds, on SQLite and on PostgreSQL alike."""

import pytest
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import IntegrityError

from app.models import AuditEntry, Estate, Form, Organisation, Package
from app.rules.enums import FormKind, PackageStatus


def _package(db, number=101):
    return db.session.scalar(
        select(Package).join(Package.organisation).where(Organisation.number == number)
    )


def _refused(db, statement):
    with pytest.raises(IntegrityError):
        db.session.execute(statement)
        db.session.flush()
    db.session.rollback()


def test_one_package_per_organisation_and_year(world, db):
    package = _package(db)
    _refused(
        db,
        insert(Package).values(
            organisation_id=package.organisation_id,
            home_municipality_id=package.home_municipality_id,
            year=2026,
            questionnaire_version="2026.1",
            status="READY",
        ),
    )


def test_estate_numbers_are_unique_within_an_organisation(world, db):
    estate = db.session.scalar(select(Estate).limit(1))
    _refused(
        db,
        insert(Estate).values(
            organisation_id=estate.organisation_id,
            number=estate.number,
            name="Dublet",
            municipality_id=estate.municipality_id,
            state="IN_OPERATION",
        ),
    )


def test_a_package_holds_one_report(world, db):
    package = _package(db)
    _refused(
        db,
        insert(Form).values(
            package_id=package.id, kind=FormKind.HOUSING_REPORT, status="NOT_STARTED", sort_key=0
        ),
    )


def test_an_estate_form_names_its_estate_and_a_report_none(world, db):
    package = _package(db)
    _refused(
        db,
        insert(Form).values(
            package_id=package.id, kind=FormKind.ESTATE_FORM, status="NOT_STARTED", sort_key=0
        ),
    )


def test_an_estate_form_records_its_municipality_and_a_report_none(world, db):
    package = _package(db)
    form = next(f for f in package.forms if f.estate_id is not None)
    report = next(f for f in package.forms if f.estate_id is None)
    _refused(db, update(Form).where(Form.id == form.id).values(municipality_id=None))
    _refused(
        db,
        update(Form)
        .where(Form.id == report.id)
        .values(municipality_id=package.home_municipality_id),
    )


def test_submitted_time_is_set_exactly_when_the_package_is_submitted(world, db):
    package = _package(db)
    _refused(
        db, update(Package).where(Package.id == package.id).values(status=PackageStatus.SUBMITTED)
    )


def test_unknown_status_is_refused_by_the_database(world, db):
    package = _package(db)
    _refused(
        db, text("UPDATE package SET status = 'ARCHIVED' WHERE id = :id").bindparams(id=package.id)
    )


def test_audit_entries_are_append_only(world, db):
    entry = db.session.scalar(select(AuditEntry).limit(1))
    entry.new_value = "changed"
    with pytest.raises(ValueError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AuditEntry).limit(1)))
    with pytest.raises(ValueError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_an_accounts_amount_is_stored_once_per_organisation_or_estate_and_year(world, db):
    from app.models import AccountsAmount

    package = _package(db)
    estate = db.session.scalar(
        select(Estate).where(Estate.organisation_id == package.organisation_id).limit(1)
    )
    own = {"organisation_id": package.organisation_id, "accounting_year": 2030, "key": "a"}
    db.session.execute(insert(AccountsAmount).values(**own, value=1))
    db.session.execute(insert(AccountsAmount).values(**own, estate_id=estate.id, value=2))
    db.session.commit()
    _refused(db, insert(AccountsAmount).values(**own, value=3))
    _refused(db, insert(AccountsAmount).values(**own, estate_id=estate.id, value=4))


def test_one_current_benchmark_per_figure_peer_group_and_year(world, db):
    import datetime as dt

    from app.models import Benchmark

    current = {"year": 2030, "key": "k", "peer_group": "family", "value": 1}
    db.session.execute(
        insert(Benchmark).values(
            **current, valid_from=dt.datetime(2030, 1, 1), valid_to=dt.datetime(2030, 2, 1)
        )
    )
    db.session.execute(insert(Benchmark).values(**current, valid_from=dt.datetime(2030, 2, 1)))
    db.session.commit()  # a replaced one beside its successor
    _refused(db, insert(Benchmark).values(**current, valid_from=dt.datetime(2030, 3, 1)))
