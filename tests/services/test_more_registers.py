"""The registers of figures besides the accounts: move-outs, vacancies, efficiency and
employment per estate, employment per municipality, and tenant complaints board cases. Each
replaces only its own figures of the years it holds, refuses a file with any problem, and the
forms read what it stored."""

from decimal import Decimal

from sqlalchemy import func, select

from app.models import (
    ComplaintCaseCount,
    Estate,
    KeyFigureValue,
    Municipality,
    MunicipalityFigure,
    Organisation,
)
from app.rules.enums import ImportStatus
from app.services.key_figures import efficiency_averages
from app.services.registers import problems_of, queue_import, run_import
from tests.services.test_register_imports import LBF


def run(register, text):
    return run_import(queue_import(register, f"{register}.csv", text.encode(), LBF).id)


def estate_figures(db, year, key):
    db.session.expire_all()
    return {
        (organisation, estate): float(value)
        for organisation, estate, value in db.session.execute(
            select(Organisation.number, Estate.number, KeyFigureValue.value)
            .join(Estate, Estate.id == KeyFigureValue.estate_id)
            .join(Organisation, Organisation.id == Estate.organisation_id)
            .where(KeyFigureValue.year == year, KeyFigureValue.key == key)
        )
    }


def count(db, year, key):
    return db.session.scalar(
        select(func.count(KeyFigureValue.id)).where(
            KeyFigureValue.year == year, KeyFigureValue.key == key
        )
    )


def test_a_vacancy_file_replaces_the_years_vacancies_and_nothing_else(world, db):
    move_outs = count(db, 2026, "move_out_rate_family")
    header = "organisation;afdeling;styringsdialogaar;familieboliger;aeldreboliger;ungdomsboliger\n"
    imported = run("vacancies", header + "101;1;2026;9.5;;\n101;2;2026;0.5;1.25;\n")
    assert imported.status == ImportStatus.IMPORTED, problems_of(imported)
    assert estate_figures(db, 2026, "vacancy_rate_family") == {(101, 1): 9.5, (101, 2): 0.5}
    assert estate_figures(db, 2026, "vacancy_rate_elderly") == {(101, 2): 1.25}
    assert count(db, 2026, "move_out_rate_family") == move_outs  # another register's figure
    again = run("vacancies", header + "101;1;2026;9.5;;\n101;2;2026;0.5;1.25;\n")
    assert (again.status, again.changed) == (ImportStatus.UNCHANGED, 0)


def test_an_estate_form_shows_the_imported_move_out_rate(world, db):
    from app.services import forms as service
    from tests.conftest import estate_form_id

    header = "organisation;afdeling;styringsdialogaar;familieboliger;aeldreboliger;ungdomsboliger\n"
    assert run("move_outs", header + "101;1;2026;17.25;;\n").status == ImportStatus.IMPORTED
    from app.models import Form

    form = db.session.get(Form, estate_form_id(db))
    figures = service.form_figures(form, service.definition_of(form))
    assert figures["move_out_rate_family"].value == 17.25


def test_a_negative_rate_or_an_unknown_estate_imports_nothing(world, db):
    header = "organisation;afdeling;styringsdialogaar;familieboliger;aeldreboliger;ungdomsboliger\n"
    before = count(db, 2026, "vacancy_rate_family")
    refused = run("vacancies", header + "101;1;2026;-1;;\n101;77;2026;2;;\n")
    assert refused.status == ImportStatus.REFUSED
    assert [(p["code"], p["params"]["row"]) for p in problems_of(refused)] == [
        ("negative", 2),
        ("unknown_estate", 3),
    ]
    assert count(db, 2026, "vacancy_rate_family") == before


def test_complaints_with_more_lost_than_decided_cases_import_nothing(world, db):
    header = "organisation;styringsdialogaar;kategori;afgjorte;tabte\n"
    refused = run("complaints", header + "101;2031;house_rules;2;3\n101;2031;noise;1;0\n")
    assert refused.status == ImportStatus.REFUSED
    assert [(p["code"], p["params"]["row"]) for p in problems_of(refused)] == [
        ("exceeds", 2),
        ("unknown_choice", 3),
    ]
    good = run("complaints", header + "101;2031;house_rules;3;1\n101;2031;other;1;0\n")
    assert good.status == ImportStatus.IMPORTED
    stored = {
        (c.category, c.decided, c.lost)
        for c in db.session.scalars(
            select(ComplaintCaseCount).where(ComplaintCaseCount.year == 2031)
        )
    }
    assert stored == {("house_rules", 3, 1), ("other", 1, 0)}


def test_municipal_employment_names_municipalities_by_code(world, db):
    header = "kommune;styringsdialogaar;beskaeftigelse\n"
    refused = run("municipal_employment", header + "999;2031;70.0\n")
    assert [p["code"] for p in problems_of(refused)] == ["unknown_municipality"]
    assert run("municipal_employment", header + "101;2031;71.5\n").status == (ImportStatus.IMPORTED)
    copenhagen = db.session.scalar(select(Municipality.id).where(Municipality.code == 101))
    stored = db.session.scalars(
        select(MunicipalityFigure.value).where(
            MunicipalityFigure.year == 2031, MunicipalityFigure.municipality_id == copenhagen
        )
    ).all()
    assert stored == [Decimal("71.5000")]


def test_imported_efficiency_figures_give_the_municipalitys_average_at_once(world, db):
    header = "organisation;afdeling;styringsdialogaar;effektivitetstal\n"
    efficiency_averages(2031)  # an earlier look is cached
    # 101's estates 1 and 2 lie in Copenhagen: (90 + 100) / 2 = 95
    assert run("efficiency", header + "101;1;2031;90\n101;2;2031;100\n").status == (
        ImportStatus.IMPORTED
    )
    by_municipality, _by_region = efficiency_averages(2031)
    assert by_municipality["København"] == 95.0


VACANCIES_DATED = (
    "organisation;afdeling;styringsdialogaar;familieboliger;aeldreboliger;ungdomsboliger;"
    "opgoerelsestidspunkt\n"
)


def test_the_vacancies_count_day_is_the_registers_and_the_estate_form_prints_it(
    world, db, login_as
):
    import datetime as dt

    from tests.conftest import estate_form_id

    imported = run("vacancies", VACANCIES_DATED + "101;1;2026;1.5;;;2025-12-01\n")
    assert imported.status == ImportStatus.IMPORTED, problems_of(imported)
    db.session.expire_all()
    stored = db.session.scalar(
        select(KeyFigureValue.measured_on).where(
            KeyFigureValue.year == 2026, KeyFigureValue.key == "vacancy_rate_family"
        )
    )
    assert stored == dt.date(2025, 12, 1)
    page = login_as("bo").get(f"/form/{estate_form_id(db)}/letting").get_data(as_text=True)
    assert "Opgørelsestidspunkt: 01-12-2025" in " ".join(page.split())
    # the same file again changes nothing; another day is a change
    assert run("vacancies", VACANCIES_DATED + "101;1;2026;1.5;;;2025-12-01\n").changed == 0
    assert run("vacancies", VACANCIES_DATED + "101;1;2026;1.5;;;2025-11-30\n").changed == 1


def test_without_a_count_day_the_estate_form_says_the_register_gives_none(world, db, login_as):
    from tests.conftest import estate_form_id

    header = "organisation;afdeling;styringsdialogaar;familieboliger;aeldreboliger;ungdomsboliger\n"
    imported = run("vacancies", header + "101;1;2026;1.5;;\n")
    assert imported.status == ImportStatus.IMPORTED, problems_of(imported)
    page = login_as("bo").get(f"/form/{estate_form_id(db)}/letting").get_data(as_text=True)
    flat = " ".join(page.split())
    assert "Opgørelsestidspunkt: ikke oplyst i registret" in flat
    assert "1. januar" not in flat
