"""The benchmarks of a year computed from the sector's key figures: only filed accounts count,
housing and administration organisations and estates of each dwelling type are compared apart,
and a peer group below the minimum gets last year's benchmark indexed. The forms then read
their subject's benchmark and flag against it. Expected values are worked out by hand."""

import dataclasses
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from app.models import AuditEntry, Benchmark, BenchmarkIndex, Estate, Organisation
from app.questionnaires import load
from app.rules.enums import Flag, ImportStatus
from app.services.benchmark_computation import compute_year_benchmarks
from app.services.key_figures import figure_cells
from app.services.registers import queue_import, run_import
from tests.services.test_register_imports import AMOUNTS_HEADER, LBF

ADMIN = "admin_contribution_per_unit"
MAINTENANCE = "maintenance_provision_annual_per_m2"
ACCOUNTING_YEAR, YEAR = 2029, 2030  # years the demo world holds nothing for


def questionnaire_with_minimum(app, minimum):
    shipped = load(app.config["QUESTIONNAIRE_VERSION"])
    figures = {
        key: dataclasses.replace(
            definition,
            benchmark=dataclasses.replace(definition.benchmark, minimum_accounts=minimum),
        )
        for key, definition in shipped.key_figures.items()
    }
    return dataclasses.replace(shipped, key_figures=figures)


def ids(db):
    organisations = dict(db.session.execute(select(Organisation.number, Organisation.id)).all())
    estates = {
        (number, estate): estate_id
        for number, estate, estate_id in db.session.execute(
            select(Organisation.number, Estate.number, Estate.id).join(Organisation)
        )
    }
    return organisations, estates


def set_dwellings(db, organisation_number, estate_number, family, elderly, youth):
    _, estates = ids(db)
    db.session.execute(
        update(Estate)
        .where(Estate.id == estates[(organisation_number, estate_number)])
        .values(family_dwellings=family, elderly_dwellings=elderly, youth_dwellings=youth)
    )


def amounts_line(organisation, estate="", admin="", units="", provisions="", area=""):
    return (
        f"{organisation};{estate};{ACCOUNTING_YEAR};{admin};{units};;;;;;;{provisions};;;{area}\n"
    )


@pytest.fixture
def sector(world, db):
    """Filed 2029 accounts for 101, 751, 752, 461 and the administration organisation 900;
    851's accounts are not filed, so its figures count in no benchmark."""
    filings = "".join(f"{n};{ACCOUNTING_YEAR};2030-03-01;;\n" for n in (101, 751, 752, 461, 900))
    header = (
        "organisation;regnskabsaar;regnskab_indberettet;aarsberetning_indberettet;"
        "revisionsprotokol_indberettet\n"
    )
    filed = run_import(
        queue_import("accounts_filings", "f.csv", (header + filings).encode(), LBF).id
    )
    assert filed.status == ImportStatus.IMPORTED
    for number, estate in ((101, 1), (101, 2), (751, 1), (851, 1)):
        set_dwellings(db, number, estate, 10, 0, 0)
    set_dwellings(db, 461, 1, 0, 10, 0)
    db.session.commit()
    content = AMOUNTS_HEADER + "".join(
        [
            # kr. per lease unit: housing 3,000, 4,000, 2,000, 5,000; administration 6,000
            amounts_line(101, admin=300000, units=100),
            amounts_line(751, admin=400000, units=100),
            amounts_line(752, admin=200000, units=100),
            amounts_line(461, admin=500000, units=100),
            amounts_line(900, admin=600000, units=100),
            amounts_line(851, admin=100000, units=100),
            # kr. per m²: family estates 70, 200, 150; one elderly estate 50
            amounts_line(101, 1, provisions=70000, area=1000),
            amounts_line(101, 2, provisions=200000, area=1000),
            amounts_line(751, 1, provisions=150000, area=1000),
            amounts_line(461, 1, provisions=50000, area=1000),
            amounts_line(851, 1, provisions=999000, area=1000),
        ]
    )
    imported = run_import(queue_import("accounts_amounts", "a.csv", content.encode(), LBF).id)
    assert imported.status == ImportStatus.IMPORTED
    # last year's benchmarks and this year's index: 2.5 %
    db.session.add_all(
        [
            Benchmark(year=ACCOUNTING_YEAR, key=ADMIN, peer_group="ADMINISTRATION", value=4000),
            Benchmark(year=ACCOUNTING_YEAR, key=MAINTENANCE, peer_group="", value=80),
            BenchmarkIndex(year=YEAR, percent=Decimal("2.5")),
        ]
    )
    db.session.commit()
    return ids(db)


def stored(db, key):
    db.session.expire_all()
    return {
        b.peer_group: (float(b.value), b.basis, b.indexed)
        for b in db.session.scalars(
            select(Benchmark).where(Benchmark.year == YEAR, Benchmark.key == key)
        )
    }


def test_peer_groups_with_enough_filed_accounts_get_their_median(app, db, sector):
    compute_year_benchmarks(YEAR, questionnaire_with_minimum(app, 2))
    # housing: 2,000 3,000 4,000 5,000 -> 3,500 (851's 1,000 is not filed)
    assert stored(db, ADMIN)["HOUSING"] == (3500.0, 4, False)
    # family estates: 70 150 200 -> 150 (851's estate is not filed)
    assert stored(db, MAINTENANCE)["family"] == (150.0, 3, False)


def test_below_the_minimum_last_years_benchmark_is_indexed_by_the_years_index(app, db, sector):
    compute_year_benchmarks(YEAR, questionnaire_with_minimum(app, 2))
    # one administration organisation: last year's 4,000 x 1.025
    assert stored(db, ADMIN)["ADMINISTRATION"] == (4100.0, 1, True)
    # one elderly estate; last year only the sector's 80: 80 x 1.025
    assert stored(db, MAINTENANCE)["elderly"] == (82.0, 1, True)
    # no youth estate and no youth benchmark last year: none
    assert set(stored(db, MAINTENANCE)) == {"family", "elderly"}


def test_the_forms_compare_each_subject_with_its_own_peer_group(app, db, sector):
    questionnaire = questionnaire_with_minimum(app, 2)
    compute_year_benchmarks(YEAR, questionnaire)
    organisations, estates = ids(db)
    administration = figure_cells(questionnaire, [ADMIN], organisations[900], YEAR)[None][ADMIN]
    assert (administration.value, administration.benchmark) == (6000.0, 4100.0)
    assert administration.benchmark_indexed
    housing = figure_cells(questionnaire, [ADMIN], organisations[101], YEAR)[None][ADMIN]
    assert (housing.benchmark, housing.benchmark_indexed) == (3500.0, False)
    # 6,000 is 1,900 / 4,100 = 46 % above the administration benchmark (yellow from 25 %,
    # red from 50 %); against the housing benchmark of 3,500 it would have been 71 %: red
    assert administration.result.flag == Flag.YELLOW
    # 3,000 is below the housing benchmark of 3,500: higher is worse, no flag
    assert housing.result.flag == Flag.NONE


def test_estate_flags_follow_the_benchmark_of_the_estates_dwelling_type(app, db, sector):
    questionnaire = questionnaire_with_minimum(app, 2)
    compute_year_benchmarks(YEAR, questionnaire)
    organisations, estates = ids(db)
    cells = figure_cells(
        questionnaire,
        [MAINTENANCE],
        organisations[101],
        YEAR,
        [estates[(101, 1)], estates[(101, 2)]],
    )
    # 70 against the family benchmark 150: 53 % below (red from 50 %); 200 is above it
    assert cells[estates[(101, 1)]][MAINTENANCE].result.flag == Flag.RED
    assert cells[estates[(101, 2)]][MAINTENANCE].result.flag == Flag.NONE
    elderly = figure_cells(
        questionnaire, [MAINTENANCE], organisations[461], YEAR, [estates[(461, 1)]]
    )
    # 50 against the elderly benchmark 82: 39 % below (yellow from 25 %)
    cell = elderly[estates[(461, 1)]][MAINTENANCE]
    assert (cell.benchmark, cell.benchmark_indexed, cell.result.flag) == (82.0, True, Flag.YELLOW)


def test_computing_again_changes_nothing_and_each_change_is_logged_once(app, db, sector):
    questionnaire = questionnaire_with_minimum(app, 2)
    before = db.session.query(AuditEntry).filter_by(action="benchmark_computed").count()
    assert compute_year_benchmarks(YEAR, questionnaire) == 4
    assert compute_year_benchmarks(YEAR, questionnaire) == 0
    db.session.commit()
    logged = db.session.scalars(
        select(AuditEntry.field).where(AuditEntry.action == "benchmark_computed")
    ).all()
    assert len(logged) - before == 4
    assert f"{YEAR}:{ADMIN}:HOUSING" in logged


def test_with_the_shipped_minimum_of_20_accounts_a_small_sector_carries_every_benchmark(
    app, db, sector
):
    compute_year_benchmarks(YEAR, load(app.config["QUESTIONNAIRE_VERSION"]))
    # no peer group has 20 filed accounts: last year's benchmark x 1.025 where there is one
    assert stored(db, ADMIN) == {"ADMINISTRATION": (4100.0, 1, True)}
    assert stored(db, MAINTENANCE) == {"family": (82.0, 3, True), "elderly": (82.0, 1, True)}
