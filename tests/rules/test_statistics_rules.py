"""The statistics' own rules: five dialogue years of history, and the risk list's order."""

from app.rules.enums import Flag
from app.rules.statistics import Display, Mark, ReportType, history_years, risk_list


def test_history_is_the_five_dialogue_years_up_to_the_chosen_oldest_first():
    assert history_years(2026) == [2022, 2023, 2024, 2025, 2026]


def test_only_the_estate_report_folds_and_only_the_key_figures_draw():
    assert Display.TREE in ReportType.ESTATES.displays
    assert Display.TREE not in ReportType.KEY_FIGURES.displays
    assert Display.CHART in ReportType.KEY_FIGURES.displays
    assert ReportType.STATUS.displays == (Display.TABLE,)


def test_the_risk_list_puts_the_newest_years_red_first_then_its_yellow_then_all_years():
    marks = [
        # (101, 1): one red in 2026
        Mark((101, 1), 2026, "efficiency", Flag.RED),
        # (101, 2): two yellow in 2026 and three red long ago
        Mark((101, 2), 2026, "efficiency", Flag.YELLOW),
        Mark((101, 2), 2026, "vacancy_rate_family", Flag.YELLOW),
        Mark((101, 2), 2023, "efficiency", Flag.RED),
        Mark((101, 2), 2023, "vacancy_rate_family", Flag.RED),
        Mark((101, 2), 2022, "efficiency", Flag.RED),
        # (751, None): nothing in 2026, one red in 2024
        Mark((751, None), 2024, "admin_contribution_per_unit", Flag.RED),
        # (461, 3): nothing in 2026, two yellow in 2025
        Mark((461, 3), 2025, "efficiency", Flag.YELLOW),
        Mark((461, 3), 2025, "employment_rate", Flag.YELLOW),
        # (462, 1): nothing but unmarked figures
        Mark((462, 1), 2026, "efficiency", Flag.NONE),
    ]
    found = risk_list(marks, 2026)
    assert [r.subject for r in found] == [(101, 1), (101, 2), (751, None), (461, 3)]
    second = found[1]
    assert second.red == {2023: 2, 2022: 1} and second.yellow == {2026: 2}
    assert second.keys == {"efficiency": Flag.YELLOW, "vacancy_rate_family": Flag.YELLOW}
    assert (second.total_red, second.total_yellow) == (3, 2)


def test_subjects_alike_keep_their_number_order_the_organisation_before_its_estates():
    marks = [
        Mark((751, 2), 2026, "efficiency", Flag.RED),
        Mark((751, None), 2026, "working_capital_per_unit", Flag.RED),
        Mark((101, 4), 2026, "efficiency", Flag.RED),
    ]
    assert [r.subject for r in risk_list(marks, 2026)] == [(101, 4), (751, None), (751, 2)]
