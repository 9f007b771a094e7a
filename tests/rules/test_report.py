"""The governance report's generated parts (app/rules/report.py), from hand-built EstateFacts."""

import pytest

from app.questionnaires import load
from app.rules.enums import Flag
from app.rules.report import (
    EFFICIENCY_GREEN_FROM,
    EFFICIENCY_YELLOW_FROM,
    CriticalEstate,
    EfficiencyMark,
    EfficiencyRow,
    EstateConclusion,
    EstateFacts,
    FamilyDwellingsRow,
    LettingTool,
    critical_estates,
    efficiency_distribution,
    efficiency_mark,
    efficiency_table,
    estate_conclusions,
    family_dwellings,
    letting_tools_by_municipality,
    worst,
)


def facts(number: int, municipality: str = "Aarhus", region: str = "Midtjylland", **kwargs):
    return EstateFacts(
        number=number,
        name=kwargs.pop("name", f"Afdeling {number}"),
        municipality=municipality,
        region=region,
        **kwargs,
    )


def zeros(**counts):
    row = dict.fromkeys(LettingTool, 0)
    row.update({LettingTool(k): v for k, v in counts.items()})
    return row


# --- estate_conclusions (question 7) --------------------------------------------------------------


def test_conclusions_list_only_estates_that_answered_yes_to_challenges():
    estates = [
        facts(3, has_challenges=True, challenge_items=("Fugt", "Hærværk")),
        facts(1, has_challenges=False, challenge_items=("glemt punkt",)),
        facts(2, has_challenges=None),
        facts(4, has_challenges=True),
    ]
    assert estate_conclusions(estates) == [
        EstateConclusion(3, "Afdeling 3", ("Fugt", "Hærværk")),
        EstateConclusion(4, "Afdeling 4", ()),
    ]


def test_conclusions_are_ordered_by_estate_number_across_municipalities():
    estates = [
        facts(20, "Aalborg", has_challenges=True),
        facts(5, "Odense", has_challenges=True),
        facts(12, "Aarhus", has_challenges=True),
    ]
    assert [c.number for c in estate_conclusions(estates)] == [5, 12, 20]


def test_conclusions_keep_the_items_in_priority_order():
    (conclusion,) = estate_conclusions([facts(1, has_challenges=True, challenge_items=("b", "a"))])
    assert conclusion.items == ("b", "a")


def test_no_estates_give_no_conclusions():
    assert estate_conclusions([]) == []


# --- worst ----------------------------------------------------------------------------------------


def test_worst_of_no_flags_is_none():
    assert worst([]) == Flag.NONE


def test_worst_prefers_red_over_yellow_over_none():
    assert worst([Flag.NONE, Flag.YELLOW, Flag.RED, Flag.NONE]) == Flag.RED
    assert worst([Flag.YELLOW, Flag.NONE]) == Flag.YELLOW
    assert worst([Flag.NONE, Flag.NONE]) == Flag.NONE


def test_worst_takes_a_generator():
    assert worst(f for f in (Flag.YELLOW, Flag.RED)) == Flag.RED


# --- critical_estates -----------------------------------------------------------------------------

# the groups of Bilag 3 part V, as the questionnaire file names them
GROUPS = load("2026.1").form("HOUSING_REPORT").item("critical_estates").figure_groups


def test_the_questionnaire_groups_the_critical_figures_in_three_columns():
    assert {group: set(keys) for group, keys in GROUPS.items()} == {
        "vacancy": {"vacancy_rate_family", "vacancy_rate_elderly", "vacancy_rate_youth"},
        "move_out": {"move_out_rate_family", "move_out_rate_elderly", "move_out_rate_youth"},
        "maintenance": {
            "maintenance_provision_annual_per_lease",
            "maintenance_provision_annual_per_m2",
            "maintenance_provision_accumulated_per_lease",
            "maintenance_provision_accumulated_per_m2",
        },
    }


def test_estate_with_a_yellow_vacancy_figure_is_listed():
    estate = facts(7, flags={"vacancy_rate_family": Flag.YELLOW})
    assert critical_estates([estate], GROUPS) == [
        CriticalEstate(
            "Aarhus",
            7,
            "Afdeling 7",
            {"vacancy": Flag.YELLOW, "move_out": Flag.NONE, "maintenance": Flag.NONE},
        )
    ]


def test_each_group_shows_its_worst_figure():
    estate = facts(
        1,
        flags={
            "vacancy_rate_family": Flag.YELLOW,
            "vacancy_rate_youth": Flag.RED,
            "move_out_rate_elderly": Flag.YELLOW,
            "maintenance_provision_annual_per_m2": Flag.NONE,
        },
    )
    (row,) = critical_estates([estate], GROUPS)
    assert row.marks == {"vacancy": Flag.RED, "move_out": Flag.YELLOW, "maintenance": Flag.NONE}


@pytest.mark.parametrize(("group", "key"), [(g, k) for g, keys in GROUPS.items() for k in keys])
def test_every_group_figure_makes_an_estate_critical(group, key):
    (row,) = critical_estates([facts(1, flags={key: Flag.RED})], GROUPS)
    assert row.marks[group] == Flag.RED


def test_estate_without_critical_flags_is_not_listed():
    estates = [
        facts(1),
        facts(2, flags={"vacancy_rate_family": Flag.NONE, "move_out_rate_family": Flag.NONE}),
    ]
    assert critical_estates(estates, GROUPS) == []


def test_critical_figures_outside_the_three_groups_do_not_list_an_estate():
    estate = facts(
        1, flags={"admin_contribution_per_unit": Flag.RED, "rent_per_m2_family": Flag.RED}
    )
    assert critical_estates([estate], GROUPS) == []


def test_critical_estates_are_ordered_by_municipality_then_number():
    red = {"move_out_rate_family": Flag.RED}
    estates = [
        facts(2, "Odense", flags=red),
        facts(9, "Aarhus", flags=red),
        facts(1, "Odense", flags=red),
        facts(3, "Aarhus", flags=red),
    ]
    assert [(r.municipality, r.number) for r in critical_estates(estates, GROUPS)] == [
        ("Aarhus", 3),
        ("Aarhus", 9),
        ("Odense", 1),
        ("Odense", 2),
    ]


# --- efficiency_mark ------------------------------------------------------------------------------


def test_efficiency_bounds_are_90_and_80():
    assert EFFICIENCY_GREEN_FROM == 90
    assert EFFICIENCY_YELLOW_FROM == 80


@pytest.mark.parametrize(
    ("efficiency", "mark"),
    [
        (100.0, EfficiencyMark.GREEN),
        (120.0, EfficiencyMark.GREEN),
        (90.0, EfficiencyMark.GREEN),
        (90, EfficiencyMark.GREEN),
        (89.99, EfficiencyMark.YELLOW),
        (80.0, EfficiencyMark.YELLOW),
        (80, EfficiencyMark.YELLOW),
        (79.99, EfficiencyMark.RED),
        (0.0, EfficiencyMark.RED),
        (-5.0, EfficiencyMark.RED),
    ],
)
def test_efficiency_mark_counts_a_bound_reached_exactly_as_reached(efficiency, mark):
    assert efficiency_mark(efficiency) == mark


def test_efficiency_exactly_on_the_green_bound_is_green():
    assert efficiency_mark(EFFICIENCY_GREEN_FROM) == EfficiencyMark.GREEN


def test_efficiency_exactly_on_the_yellow_bound_is_yellow():
    assert efficiency_mark(EFFICIENCY_YELLOW_FROM) == EfficiencyMark.YELLOW


def test_missing_efficiency_has_no_mark():
    assert efficiency_mark(None) is None


def test_zero_efficiency_is_red_not_missing():
    assert efficiency_mark(0) == EfficiencyMark.RED


# --- efficiency_distribution ----------------------------------------------------------------------


def test_distribution_counts_estates_per_mark_and_averages_them():
    estates = [facts(1, efficiency=95.0), facts(2, efficiency=85.0), facts(3, efficiency=70.0)]
    distribution = efficiency_distribution(estates)
    assert distribution.counts == {
        EfficiencyMark.GREEN: 1,
        EfficiencyMark.YELLOW: 1,
        EfficiencyMark.RED: 1,
    }
    assert distribution.average == pytest.approx(83.3)


def test_distribution_has_every_mark_even_with_a_zero_count():
    distribution = efficiency_distribution([facts(1, efficiency=92.0)])
    assert distribution.counts == {
        EfficiencyMark.GREEN: 1,
        EfficiencyMark.YELLOW: 0,
        EfficiencyMark.RED: 0,
    }
    assert distribution.average == 92.0


def test_distribution_leaves_out_estates_not_in_operation():
    estates = [facts(1, efficiency=95.0), facts(2, efficiency=50.0, in_operation=False)]
    distribution = efficiency_distribution(estates)
    assert distribution.counts[EfficiencyMark.RED] == 0
    assert distribution.average == 95.0


def test_distribution_skips_missing_efficiencies_in_counts_and_average():
    estates = [facts(1, efficiency=90.0), facts(2), facts(3, efficiency=80.0)]
    distribution = efficiency_distribution(estates)
    assert sum(distribution.counts.values()) == 2
    assert distribution.average == 85.0


def test_distribution_average_is_rounded_to_one_decimal():
    estates = [facts(1, efficiency=90.0), facts(2, efficiency=90.0), facts(3, efficiency=91.0)]
    assert efficiency_distribution(estates).average == 90.3


def test_distribution_without_any_efficiency_has_no_average():
    distribution = efficiency_distribution([facts(1), facts(2, in_operation=False, efficiency=9.0)])
    assert distribution.average is None
    assert set(distribution.counts.values()) == {0}
    assert efficiency_distribution([]).average is None


# --- efficiency_table -----------------------------------------------------------------------------


def test_efficiency_table_row_holds_mark_value_and_the_three_averages():
    estates = [
        facts(1, "Aarhus", "Midtjylland", efficiency=95.0),
        facts(2, "Odense", "Syddanmark", efficiency=75.0),
    ]
    rows = efficiency_table(
        estates, {"Aarhus": 88.0, "Odense": 82.5}, {"Midtjylland": 86.1, "Syddanmark": 84.0}
    )
    assert rows == [
        EfficiencyRow("Aarhus", 1, "Afdeling 1", EfficiencyMark.GREEN, 95.0, 85.0, 88.0, 86.1),
        EfficiencyRow("Odense", 2, "Afdeling 2", EfficiencyMark.RED, 75.0, 85.0, 82.5, 84.0),
    ]


def test_efficiency_table_is_ordered_by_municipality_then_number():
    estates = [facts(5, "Odense"), facts(9, "Aarhus"), facts(1, "Odense"), facts(2, "Aarhus")]
    rows = efficiency_table(estates, {}, {})
    assert [(r.municipality, r.number) for r in rows] == [
        ("Aarhus", 2),
        ("Aarhus", 9),
        ("Odense", 1),
        ("Odense", 5),
    ]


def test_efficiency_table_leaves_out_estates_not_in_operation():
    estates = [facts(1, efficiency=80.0), facts(2, efficiency=40.0, in_operation=False)]
    rows = efficiency_table(estates, {}, {})
    assert [r.number for r in rows] == [1]
    assert rows[0].organisation_average == 80.0


def test_efficiency_table_without_known_averages_shows_none():
    (row,) = efficiency_table([facts(1, "Ærø", "Syddanmark")], {"Aarhus": 90.0}, {})
    assert row.mark is None
    assert row.efficiency is None
    assert row.organisation_average is None
    assert row.municipality_average is None
    assert row.region_average is None


def test_efficiency_table_organisation_average_skips_missing_values():
    rows = efficiency_table(
        [facts(1, efficiency=81.0), facts(2), facts(3, efficiency=90.0)], {}, {}
    )
    assert {r.organisation_average for r in rows} == {85.5}


# --- letting_tools_by_municipality ----------------------------------------------------------------


def test_the_years_lettings_are_summed_per_municipality_and_tool():
    W, F, C = LettingTool.WAITING_LIST, LettingTool.FLEXIBLE, LettingTool.COMBINED
    estates = [
        facts(1, "Aarhus", family_dwellings=40, lettings={W: 6, F: 2}),
        facts(2, "Aarhus", family_dwellings=10, lettings={W: 1}),
        facts(3, "Odense", family_dwellings=7, lettings={C: 3}),
    ]
    # Aarhus: 6 + 1 by waiting list, 2 flexible; Odense: 3 combined. The dwellings themselves
    # (40, 10, 7) are not lettings and count nowhere.
    assert letting_tools_by_municipality(estates) == {
        "Aarhus": zeros(waiting_list=7, flexible=2),
        "Odense": zeros(combined=3),
    }


def test_a_municipality_without_lettings_data_is_shown_with_zeros():
    estates = [
        facts(1, "Aarhus", family_dwellings=40, lettings={LettingTool.WAITING_LIST: 5}),
        facts(2, "Vejle", family_dwellings=12),
    ]
    assert letting_tools_by_municipality(estates) == {
        "Aarhus": zeros(waiting_list=5),
        "Vejle": zeros(),
    }


def test_letting_tools_leave_out_estates_without_family_dwellings_or_not_in_operation():
    lettings = {LettingTool.ADVERTISING: 2}
    estates = [
        facts(1, "Aarhus", family_dwellings=0, lettings=lettings),
        facts(2, "Odense", family_dwellings=30, lettings=lettings, in_operation=False),
        facts(3, "Vejle", family_dwellings=12, lettings=lettings),
    ]
    assert letting_tools_by_municipality(estates) == {"Vejle": zeros(advertising=2)}


def test_letting_tools_municipalities_are_sorted():
    estates = [
        facts(n, m, family_dwellings=1) for n, m in [(1, "Vejle"), (2, "Aalborg"), (3, "Odense")]
    ]
    assert list(letting_tools_by_municipality(estates)) == ["Aalborg", "Odense", "Vejle"]


def test_letting_tools_rows_are_independent_per_municipality():
    estates = [
        facts(1, "Aarhus", family_dwellings=3, lettings={LettingTool.FLEXIBLE: 1}),
        facts(2, "Odense", family_dwellings=4, lettings={LettingTool.WAITING_LIST: 2}),
    ]
    table = letting_tools_by_municipality(estates)
    assert table["Aarhus"] == zeros(flexible=1)
    assert table["Odense"] == zeros(waiting_list=2)
    assert table["Aarhus"] is not table["Odense"]


def test_no_estates_give_an_empty_letting_tools_table():
    assert letting_tools_by_municipality([]) == {}


# --- family_dwellings -----------------------------------------------------------------------------


def test_family_dwellings_row_carries_tools_and_employment():
    estate = facts(
        4,
        family_dwellings=120,
        letting_tools=(LettingTool.FLEXIBLE, LettingTool.COMBINED),
        employment_rate=55.2,
        municipality_employment_rate=71.0,
    )
    assert family_dwellings([estate]) == [
        FamilyDwellingsRow(
            "Aarhus",
            4,
            "Afdeling 4",
            120,
            (LettingTool.FLEXIBLE, LettingTool.COMBINED),
            55.2,
            71.0,
        )
    ]


def test_family_dwellings_leave_out_estates_without_family_dwellings_or_not_in_operation():
    estates = [
        facts(1, family_dwellings=0),
        facts(2, family_dwellings=10, in_operation=False),
        facts(3, family_dwellings=1),
    ]
    assert [r.number for r in family_dwellings(estates)] == [3]


def test_family_dwellings_are_ordered_by_municipality_then_number():
    estates = [
        facts(8, "Odense", family_dwellings=1),
        facts(2, "Odense", family_dwellings=1),
        facts(5, "Aarhus", family_dwellings=1),
    ]
    assert [(r.municipality, r.number) for r in family_dwellings(estates)] == [
        ("Aarhus", 5),
        ("Odense", 2),
        ("Odense", 8),
    ]


def test_family_dwellings_without_employment_figures_show_none():
    (row,) = family_dwellings([facts(1, family_dwellings=5)])
    assert row.employment_rate is None
    assert row.municipality_employment_rate is None
    assert row.letting_tools == ()


# --- labels ---------------------------------------------------------------------------------------


def test_every_letting_tool_and_efficiency_mark_has_a_label():
    assert all(tool.label for tool in LettingTool)
    assert all(mark.label for mark in EfficiencyMark)
    assert LettingTool("municipal_referral") == LettingTool.MUNICIPAL_REFERRAL
