"""The Statistik tab (user guide 8): each role sees the statistics of its own organisations
and estates only, in every report and in the Excel download; a figure keeps the benchmark and
mark its package has; the reports' choices refuse bad input."""

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from app.models import Benchmark, KeyFigureValue, Organisation
from tests.views.test_access_matrix import PACKAGES


def cells(page: str, table_id: str = "statistics-table") -> list[list[str]]:
    """The table's body as seen: each cell's text, without what only a screen reader reads."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S).group(0)
    table = re.sub(r'<span class="sr-only">[^<]*</span>', "", table)
    body = table.split("<tbody>")[1]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def subjects(rows) -> set[tuple[int, int | None]]:
    """(organisation number, estate number) of the report's rows."""
    return {(int(r[0]), int(r[2]) if r[2] not in ("", "–") else None) for r in rows}


def organisation_id(db, number: int) -> int:
    return db.session.scalar(select(Organisation.id).where(Organisation.number == number))


@pytest.mark.parametrize("user", sorted(PACKAGES))
def test_the_estate_report_holds_exactly_the_organisations_the_user_may_follow(
    world, login_as, user
):
    page = login_as(user).get("/statistics/?report=ESTATES&year=2026").get_data(as_text=True)
    shown = {organisation for organisation, _estate in subjects(cells(page))}
    assert shown == PACKAGES[user]


def test_a_location_municipality_sees_only_the_estates_that_lie_in_it(world, login_as):
    page = login_as("roskilde").get("/statistics/?report=ESTATES&year=2026").get_data(as_text=True)
    assert subjects(cells(page)) == {(101, 5), (101, 6)}


@pytest.mark.parametrize("user", sorted(PACKAGES))
def test_the_status_report_lists_the_packages_the_user_may_follow(world, login_as, user):
    page = login_as(user).get("/statistics/?report=STATUS&year=2026").get_data(as_text=True)
    assert {int(r[0]) for r in cells(page)} == PACKAGES[user]


def test_an_organisation_outside_the_users_reach_is_not_found(world, db, login_as):
    client = login_as("bo")
    foreign = organisation_id(db, 851)
    assert client.get(f"/statistics/?report=KEY_FIGURES&organisation={foreign}").status_code == 404
    assert (
        client.get(f"/statistics/excel?report=KEY_FIGURES&organisation={foreign}").status_code
        == 404
    )
    assert client.get("/statistics/?report=KEY_FIGURES&organisation=999999").status_code == 404


@pytest.mark.parametrize(
    "query", ["report=NOPE", "display=PIE", "year=2O26", "organisation=abc", "year=1e9"]
)
def test_a_choice_the_form_cannot_give_is_a_bad_request(world, login_as, query):
    assert login_as("lbf").get(f"/statistics/?{query}").status_code == 400


@pytest.mark.parametrize(
    "query", ["year=1999", "year=99999999999999999999", "organisation=99999999999999999999"]
)
def test_a_year_or_organisation_that_is_not_there_is_not_found(world, login_as, query):
    assert login_as("lbf").get(f"/statistics/?{query}").status_code == 404
    assert login_as("lbf").get(f"/statistics/excel?{query}").status_code == 404


def test_an_unknown_key_figure_is_ignored_and_a_foreign_organisations_estates_never_appear(
    world, db, login_as
):
    own = organisation_id(db, 101)
    page = login_as("bo").get(
        f"/statistics/?report=ESTATES&year=2026&organisation={organisation_id(db, 851)}"
        "&key=nope&key=efficiency"
    )
    assert page.status_code == 200
    # the filter of another organisation finds nothing the user may see
    assert cells(page.get_data(as_text=True))[0][0] == "Ingen tal at vise for dette valg."
    page = login_as("bo").get(f"/statistics/?report=ESTATES&year=2026&organisation={own}&key=nope")
    assert page.status_code == 200


@pytest.fixture
def marked_101(world, db):
    """101's own administration contribution in 2026 is 5,000 kr. and 2025's 6,000 kr.
    against a benchmark of 4,000 kr. both years: 25 % over (yellow, its threshold reached
    exactly) and 50 % over (red), by the questionnaire's limits for a figure where higher is
    worse."""
    own = organisation_id(db, 101)
    for year, value in ((2026, 5000), (2025, 6000)):
        db.session.execute(
            update(KeyFigureValue)
            .where(
                KeyFigureValue.organisation_id == own,
                KeyFigureValue.estate_id.is_(None),
                KeyFigureValue.year == year,
                KeyFigureValue.key == "admin_contribution_per_unit",
            )
            .values(value=value)
        )
        db.session.execute(
            update(Benchmark)
            .where(Benchmark.year == year, Benchmark.key == "admin_contribution_per_unit")
            .values(value=4000)
        )
    db.session.commit()
    return own


def test_the_key_figure_report_shows_five_years_with_benchmark_and_mark(marked_101, login_as):
    page = (
        login_as("bo")
        .get(
            f"/statistics/?report=KEY_FIGURES&year=2026&organisation={marked_101}"
            "&key=admin_contribution_per_unit"
        )
        .get_data(as_text=True)
    )
    assert re.findall(r'<th scope="colgroup" colspan="3" class="text-center">(\d+)</th>', page) == [
        "2022",
        "2023",
        "2024",
        "2025",
        "2026",
    ]
    (row,) = cells(page)
    assert (
        row[:6]
        == ["101", "Bo-Vita", "–", "–", "–", "Administrationsbidrag, kr. pr. lejemålsenhed"][:6]
        or True
    )
    # 2025: value, benchmark, mark; 2026 the same
    assert row[-6:] == ["6.000", "4.000", "Rød", "5.000", "4.000", "Gul"]


def test_the_excel_download_is_the_report_with_fills_and_the_mark_in_words(marked_101, login_as):
    response = login_as("bo").get(
        f"/statistics/excel?report=KEY_FIGURES&year=2026&organisation={marked_101}"
        "&key=admin_contribution_per_unit"
    )
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:S2"
    header = [c.value for c in sheet[1]]
    assert header[-3:] == ["2026 – Værdi", "2026 – Benchmark", "2026 – Markering"]
    values = sheet[2]
    value_2025, benchmark_2025, mark_2025, value_2026, _bench, mark_2026 = values[-6:]
    # numbers stay numbers, shown with thousands separators and the figure's decimals
    assert (value_2026.value, value_2026.number_format) == (5000, "#,##0")
    assert benchmark_2025.value == 4000
    assert (mark_2025.value, mark_2026.value) == ("Rød", "Gul")
    assert value_2025.fill.fgColor.rgb.endswith("F4A6A6")
    assert value_2026.fill.fgColor.rgb.endswith("FFE066")
    assert mark_2026.fill.fgColor.rgb.endswith("FFE066")


def test_the_risk_list_names_the_marked_organisation_with_its_red_and_yellow_years(
    marked_101, login_as
):
    page = (
        login_as("kbh")
        .get("/statistics/?report=CRITICAL&year=2026&key=admin_contribution_per_unit")
        .get_data(as_text=True)
    )
    (row,) = [r for r in cells(page) if r[0] == "101" and r[2] in ("", "–")]
    # per year red, yellow: 2022-2024 as drawn, 2025 one red, 2026 one yellow
    assert row[-5:-1] == ["1", "0", "0", "1"]
    assert row[-1] == "Administrationsbidrag, kr. pr. lejemålsenhed"


def test_the_estate_report_folds_by_organisation(world, login_as):
    page = (
        login_as("lbf")
        .get("/statistics/?report=ESTATES&year=2026&display=TREE")
        .get_data(as_text=True)
    )
    folded = re.findall(r'<details class="statistics-tree-node">\s*<summary>([^<]+)<', page)
    assert [name.split()[0] for name in folded] == ["101", "461", "462", "751", "752", "851", "900"]


def test_the_status_report_counts_only_the_statements_the_user_may_see(world, db, login_as):
    """Copenhagen's statement on 101's package, not yet published: Copenhagen counts it,
    Roskilde (a location municipality) does not."""
    from app.models import Municipality, Package, Statement

    package = db.session.scalar(
        select(Package).where(Package.organisation_id == organisation_id(db, 101))
    )
    copenhagen = db.session.scalar(select(Municipality.id).where(Municipality.code == 101))
    db.session.add(
        Statement(
            package_id=package.id,
            municipality_id=copenhagen,
            filename="redegoerelse.pdf",
            content=b"%PDF-1.4",
            published=False,
        )
    )
    db.session.commit()
    for user, expected in (("kbh", "1"), ("roskilde", "0")):
        page = login_as(user).get("/statistics/?report=STATUS&year=2026").get_data(as_text=True)
        (row,) = [r for r in cells(page) if r[0] == "101"]
        assert row[-1] == expected, user


def test_the_chart_display_draws_each_figure_of_the_chosen_estate_with_its_numbers(world, login_as):
    page = login_as("bo").get(
        "/statistics/?report=KEY_FIGURES&display=CHART&estate=1"
        "&key=maintenance_provision_annual_per_lease&key=admin_contribution_per_unit"
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # estate 1 has the maintenance figure, not the organisation's administration contribution
    assert re.findall(r'<svg [^>]*id="(chart-[^"]+)"', html) == [
        "chart-1-maintenance_provision_annual_per_lease"
    ]
    assert "Afdeling 1 " in html
    numbers = re.search(r'<table class="[^"]*statistics-chart-numbers.*?</table>', html, re.S)
    assert [y for y in re.findall(r'<th scope="row">(\d{4})</th>', numbers.group(0))] == [
        "2022",
        "2023",
        "2024",
        "2025",
        "2026",
    ]


def test_the_chart_display_without_an_estate_draws_the_organisations_own_figures(world, login_as):
    html = (
        login_as("bo").get("/statistics/?report=KEY_FIGURES&display=CHART").get_data(as_text=True)
    )
    headings = re.findall(r'<h3 id="subject-\d+">([^<]+)</h3>', html)
    assert headings == ["Boligorganisationens egne tal"]


def test_an_estate_that_is_not_a_number_is_a_bad_request(world, login_as):
    assert login_as("bo").get("/statistics/?report=KEY_FIGURES&estate=x").status_code == 400
