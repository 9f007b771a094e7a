"""Importing the accounts filings register: a good file imports, the same file again changes
nothing, a corrected file replaces that year's filings (audited), a bad file imports nothing
and keeps every problem; only LBF imports."""

import datetime as dt

import pytest
from sqlalchemy import select

from app.models import AccountsFiling, AuditEntry, Organisation
from app.rules.access import Actor
from app.rules.enums import ImportStatus, Role
from app.services.errors import NotFound
from app.services.registers import problems_of, queue_import, run_import
from tests.services.test_write_scope import actor

LBF = Actor(user_id=None, roles=frozenset({Role.LBF}))
HEADER = (
    "organisation;regnskabsaar;regnskab_indberettet;aarsberetning_indberettet;"
    "revisionsprotokol_indberettet\n"
)
# a year the demo world has no filings for, so every stored row is the file's
YEAR = 2030


def run(text: str, filename="regnskaber.csv"):
    return run_import(queue_import("accounts_filings", filename, text.encode(), LBF).id)


def filings(db) -> dict[int, tuple]:
    numbers = dict(db.session.execute(select(Organisation.id, Organisation.number)).all())
    db.session.expire_all()
    return {
        numbers[f.organisation_id]: (f.filed_at.date(), f.annual_report_filed_on)
        for f in db.session.scalars(
            select(AccountsFiling).where(AccountsFiling.accounting_year == YEAR)
        )
    }


def test_a_good_file_is_imported_and_the_same_file_again_changes_nothing(world, db):
    text = HEADER + f"101;{YEAR};2031-05-31;2031-06-01;\n462;{YEAR};2031-06-02;;\n"
    first = run(text)
    assert (first.status, first.row_count, first.progress) == (ImportStatus.IMPORTED, 2, 100)
    assert filings(db) == {
        101: (dt.date(2031, 5, 31), dt.date(2031, 6, 1)),
        462: (dt.date(2031, 6, 2), None),
    }
    logged = db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()))
    again = run(text)
    assert (again.status, again.changed) == (ImportStatus.UNCHANGED, 0)
    assert db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc())) == logged


def test_a_corrected_file_replaces_the_years_filings_and_each_change_is_logged(world, db):
    run(HEADER + f"101;{YEAR};2031-05-31;;\n462;{YEAR};2031-06-02;;\n")
    corrected = run(HEADER + f"101;{YEAR};2031-05-30;;\n")
    assert corrected.status == ImportStatus.IMPORTED
    # 101's date moved a day; 462 is no longer in the register: its filing goes
    assert filings(db) == {101: (dt.date(2031, 5, 30), None)}
    assert corrected.changed == 2
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "AccountsFiling").order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.old_value, e.new_value) for e in entries[-2:]] == [
        ("register_delete", "2031-06-02 00:00:00", None),
        ("register_import", "2031-05-31 00:00:00", "2031-05-30 00:00:00"),
    ]


def test_a_file_with_one_bad_row_imports_nothing_and_keeps_every_problem(world, db):
    run(HEADER + f"101;{YEAR};2031-05-31;;\n")
    refused = run(
        HEADER + f"462;{YEAR};2031-06-02;;\n999;{YEAR};2031-06-03;;\n101;{YEAR};31-05-2031;;\n"
    )
    assert refused.status == ImportStatus.REFUSED
    assert [(p["code"], p["params"]["row"]) for p in problems_of(refused)] == [
        ("unknown_organisation", 3),
        ("date_form", 4),
    ]
    assert filings(db) == {101: (dt.date(2031, 5, 31), None)}


@pytest.mark.parametrize("user", ["bo", "kbh"])
def test_only_lbf_imports_registers(world, db, user):
    with pytest.raises(NotFound):
        queue_import("accounts_filings", "f.csv", HEADER.encode(), actor(db, user))


def test_an_unknown_register_or_an_empty_file_is_refused_before_it_is_queued(world, db):
    from app.services.registers import ImportRefused

    with pytest.raises(ImportRefused):
        queue_import("no_such_register", "f.csv", b"x", LBF)
    with pytest.raises(ImportRefused):
        queue_import("accounts_filings", "f.csv", b"", LBF)


def test_the_command_line_import_reports_each_problem_in_danish(world, db, app, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(HEADER + f"101;{YEAR};2031-05-31;;\n", encoding="utf-8")
    bad.write_text(HEADER + f"101;{YEAR};95,5;;\n", encoding="utf-8")
    runner = app.test_cli_runner()
    imported = runner.invoke(args=["import-register", "accounts_filings", str(good)])
    assert imported.exit_code == 0
    assert "good.csv: Indlæst" in imported.output
    refused = runner.invoke(args=["import-register", "accounts_filings", str(bad)])
    assert refused.exit_code == 1
    assert "række 2, kolonne regnskab_indberettet: Ikke en dato" in refused.output


LETTINGS_HEADER = "organisation;afdeling;aar;redskab;udlejninger\n"


def lettings(db) -> dict[tuple, int]:
    from app.models import Estate, LettingToolUse

    numbers = {e.id: (e.organisation.number, e.number) for e in db.session.scalars(select(Estate))}
    db.session.expire_all()
    return {
        (*numbers[u.estate_id], u.tool): u.lettings
        for u in db.session.scalars(select(LettingToolUse).where(LettingToolUse.year == YEAR))
    }


def test_the_lettings_register_replaces_the_years_lettings_per_estate_and_tool(world, db):
    first = run_import(
        queue_import(
            "lettings",
            "udlejninger.csv",
            (
                LETTINGS_HEADER
                + f"101;1;{YEAR};waiting_list;4\n"
                + f"101;1;{YEAR};flexible;1\n"
                + f"101;2;{YEAR};waiting_list;2\n"
            ).encode(),
            LBF,
        ).id
    )
    assert (first.status, first.changed) == (ImportStatus.IMPORTED, 3)
    assert lettings(db) == {
        (101, 1, "waiting_list"): 4,
        (101, 1, "flexible"): 1,
        (101, 2, "waiting_list"): 2,
    }
    corrected = run_import(
        queue_import(
            "lettings",
            "udlejninger.csv",
            (
                LETTINGS_HEADER + f"101;1;{YEAR};waiting_list;5\n101;2;{YEAR};waiting_list;2\n"
            ).encode(),
            LBF,
        ).id
    )
    # estate 1's waiting list 4 -> 5, its flexible lettings gone; estate 2 unchanged
    assert (corrected.status, corrected.changed) == (ImportStatus.IMPORTED, 2)
    assert lettings(db) == {(101, 1, "waiting_list"): 5, (101, 2, "waiting_list"): 2}


def test_a_lettings_file_naming_an_unknown_estate_imports_nothing(world, db):
    refused = run_import(
        queue_import(
            "lettings",
            "udlejninger.csv",
            (LETTINGS_HEADER + f"101;1;{YEAR};waiting_list;4\n101;77;{YEAR};flexible;1\n").encode(),
            LBF,
        ).id
    )
    assert refused.status == ImportStatus.REFUSED
    assert [(p["code"], p["params"]["row"]) for p in problems_of(refused)] == [
        ("unknown_estate", 3)
    ]
    assert lettings(db) == {}


AMOUNTS_HEADER = (
    "organisation;afdeling;regnskabsaar;administrationsbidrag;lejemaalsenheder;"
    "byggesagshonorar_nybyggeri;anskaffelsessum_nybyggeri;byggesagshonorar_renovering;"
    "anskaffelsessum_renovering;dispositionsfond;arbejdskapital;henlaeggelser_aar;"
    "henlaeggelser_opsparede;lejemaal;bruttoetageareal\n"
)


def figure(db, key, estate_number=None, year=2026):
    from app.models import Estate, KeyFigureValue

    organisation_id = db.session.scalar(select(Organisation.id).where(Organisation.number == 101))
    query = select(KeyFigureValue.value, KeyFigureValue.source).where(
        KeyFigureValue.organisation_id == organisation_id,
        KeyFigureValue.year == year,
        KeyFigureValue.key == key,
    )
    if estate_number is None:
        query = query.where(KeyFigureValue.estate_id.is_(None))
    else:
        query = query.join(Estate, Estate.id == KeyFigureValue.estate_id).where(
            Estate.number == estate_number
        )
    db.session.expire_all()
    row = db.session.execute(query).first()
    return None if row is None else (float(row.value), row.source)


def test_the_accounts_amounts_give_the_next_dialogue_years_key_figures(world, db):
    imported = run_import(
        queue_import(
            "accounts_amounts",
            "regnskabsbeloeb.csv",
            (
                AMOUNTS_HEADER
                # 101's own accounts for 2025: 5,250,000 kr. over 1,500 units
                + "101;;2025;5250000;1500;;;;;;;;;;\n"
                # its estate 1: 310,000 kr. of the year's provisions, 40 leases, 2,480 m²
                + "101;1;2025;;;;;;;;;310000;;40;2480\n"
            ).encode(),
            LBF,
        ).id
    )
    assert imported.status == ImportStatus.IMPORTED
    assert figure(db, "admin_contribution_per_unit") == (3500.0, "accounts")
    assert figure(db, "maintenance_provision_annual_per_lease", 1) == (7750.0, "accounts")
    assert figure(db, "maintenance_provision_annual_per_m2", 1) == (125.0, "accounts")
    # the amounts for a figure are not in the file: it has no value this year
    assert figure(db, "working_capital_per_unit") is None


def test_amounts_that_turn_a_figure_red_reopen_a_completed_estate_form(world, db):
    from app.models import Benchmark, Form
    from app.rules.enums import FormStatus
    from tests.services.test_filling import complete_estate_form, estate_form, package_of

    bench = {
        key: float(value)
        for key, value in db.session.execute(
            select(Benchmark.key, Benchmark.value).where(Benchmark.year == 2026)
        )
    }

    def amounts(share_of_benchmark: float) -> bytes:
        # 1,000 m²; the provisions and leases chosen so that every maintenance figure of
        # estate 1 is `share_of_benchmark` of its benchmark
        annual = bench["maintenance_provision_annual_per_m2"] * 1000 * share_of_benchmark
        saved = bench["maintenance_provision_accumulated_per_m2"] * 1000
        leases = saved / bench["maintenance_provision_accumulated_per_lease"]
        return (
            AMOUNTS_HEADER + f"101;1;2025;;;;;;;;;{annual:.2f};{saved:.2f};{leases:.4f};1000\n"
        ).encode()

    # at the benchmark: nothing on the estate form is flagged
    run_import(queue_import("accounts_amounts", "a.csv", amounts(1.0), LBF).id)
    package = package_of(db, 101)
    form = estate_form(db, package, 1)
    complete_estate_form(db, form)
    db.session.expire_all()
    assert db.session.get(Form, form.id).status == FormStatus.DONE
    # a tenth of the benchmark is far beyond the red limit (50 % below): a comment is needed
    run_import(queue_import("accounts_amounts", "a.csv", amounts(0.1), LBF).id)
    db.session.expire_all()
    assert db.session.get(Form, form.id).status == FormStatus.IN_PROGRESS


def test_a_job_run_again_after_it_finished_changes_nothing(world, db):
    entry = run(HEADER + f"101;{YEAR};2031-05-31;;\n")
    logged = db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()))
    again = run_import(entry.id)
    assert (again.status, again.changed) == (ImportStatus.IMPORTED, 1)
    assert db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc())) == logged
    assert run_import(10**9) is None


PERIOD_HEADER = (
    "organisation;regnskabsaar;regnskab_indberettet;aarsberetning_indberettet;"
    "revisionsprotokol_indberettet;periode_fra;periode_til\n"
)


def test_a_filing_may_give_the_organisations_own_accounting_period(world, db):

    imported = run(PERIOD_HEADER + "101;2025;2025-05-31;;;2024-04-01;2025-03-31\n")
    assert imported.status == ImportStatus.IMPORTED, problems_of(imported)
    db.session.expire_all()
    filing = db.session.scalar(
        select(AccountsFiling)
        .join(Organisation)
        .where(Organisation.number == 101, AccountsFiling.accounting_year == 2025)
    )
    assert (filing.period_start, filing.period_end) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))


def test_a_period_given_by_half_backwards_or_ending_in_another_year_imports_nothing(world, db):
    refused = run(
        PERIOD_HEADER
        + "101;2025;2025-05-31;;;2024-04-01;\n"  # no last day
        + "751;2025;2025-05-31;;;2025-12-31;2025-01-01\n"  # backwards
        + "752;2025;2025-05-31;;;2023-07-01;2024-06-30\n"  # ends in 2024, filed for 2025
    )
    assert refused.status == ImportStatus.REFUSED
    assert [(p["code"], p["params"]["row"]) for p in problems_of(refused)] == [
        ("half_period", 2),
        ("period_order", 3),
        ("period_year", 4),
    ]
