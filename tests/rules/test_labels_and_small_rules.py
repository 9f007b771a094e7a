"""Labels beside their enums, and the small rules the larger ones lean on, by hand."""

import datetime as dt

import pytest

from app.questionnaires import KeyFigureDefinition
from app.rules.deadlines import check_deadline
from app.rules.enums import (
    DwellingType,
    EstateState,
    Flag,
    FormKind,
    FormStatus,
    LabelledEnum,
    OrganisationKind,
    PackageStatus,
    Role,
)
from app.rules.flags import CriticalRule
from app.rules.key_figures import rule_for
from app.rules.progress import statuses_whatever_the_flags
from app.rules.report import (
    EfficiencyMark,
    EstateFacts,
    LettingTool,
    critical_estates,
    efficiency_distribution,
)
from app.rules.workflow import FINAL, INITIAL, TRANSITIONS, WorkflowError, _t, check_table
from app.rules.year import PlannedForm, planned_forms
from tests.rules.test_refusals_are_worded import catalogue

ENUMS = [
    OrganisationKind,
    EstateState,
    PackageStatus,
    FormKind,
    FormStatus,
    Flag,
    DwellingType,
    Role,
    LettingTool,
    EfficiencyMark,
]


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_every_member_has_a_catalogued_label(enum: type[LabelledEnum]):
    for member in enum:
        assert catalogue().get(member.label), f"{enum.__name__}.{member.name}: {member.label!r}"
    assert [value for value, _ in enum.choices()] == [m.value for m in enum]


def test_the_package_statuses_read_as_the_user_guide_names_them():
    assert [s.label for s in PackageStatus] == [
        "Klar til udarbejdelse",
        "Under udarbejdelse",
        "Helt udfyldt",
        "Fremsendt",
        "Møde afholdt",
        "Redegørelse afgivet",
    ]
    assert [s.label for s in FormStatus] == ["Klar til udfyldelse", "Under udfyldelse", "Udfyldt"]
    assert [t.label for t in LettingTool] == [
        "Venteliste",
        "Fleksibel",
        "Kommunal anvisning",
        "Annoncering",
        "Kombineret udlejning",
    ]


def test_a_guard_the_table_names_must_exist():
    odd = _t("odd", [PackageStatus.SUBMITTED], PackageStatus.MEETING_HELD, ["x"], ["no_such"])
    with pytest.raises(WorkflowError, match=r"odd names unknown guards: \['no_such'\]"):
        check_table([*TRANSITIONS, odd], INITIAL, FINAL)


def test_a_package_plans_its_report_first_then_its_estates_by_number():
    in_operation = EstateState.IN_OPERATION
    assert planned_forms(OrganisationKind.ADMINISTRATION, [(5, 1, in_operation)]) == [
        PlannedForm(FormKind.ADMIN_REPORT, None, 0)
    ]
    assert planned_forms(
        OrganisationKind.HOUSING,
        [
            (11, 7, in_operation),
            (12, 3, EstateState.UNDER_CONSTRUCTION),
            (13, 5, EstateState.CLOSED),
        ],
    ) == [
        PlannedForm(FormKind.HOUSING_REPORT, None, 0),
        PlannedForm(FormKind.ESTATE_FORM, 12, 3),
        PlannedForm(FormKind.ESTATE_FORM, 11, 7),
    ]


FIGURE = KeyFigureDefinition(
    key="vacancy_rate_family",
    label="Ledige familieboliger",
    unit="%",
    decimals=1,
    direction="higher_is_worse",
    yellow=100.0,
    red=200.0,
)


def test_lbfs_threshold_wins_over_the_questionnaires_default():
    assert rule_for(FIGURE, None) == CriticalRule("higher_is_worse", 100.0, 200.0)
    assert rule_for(FIGURE, ("lower_is_worse", 10, 20)) == CriticalRule(
        "lower_is_worse", 10.0, 20.0
    )
    plain = KeyFigureDefinition(key="k", label="K", unit="kr.", decimals=0)
    assert rule_for(plain, ("higher_is_worse", 1, 2)) is None


@pytest.mark.parametrize(
    ("deadline", "ok"),
    [
        (dt.date(2025, 1, 1), True),  # the first day of the accounting year
        (dt.date(2024, 12, 31), False),
        (dt.date(2027, 12, 31), True),  # the last day of the year after the dialogue year
        (dt.date(2028, 1, 1), False),
        (None, True),
    ],
)
def test_a_deadline_lies_between_the_accounting_year_and_the_year_after(deadline, ok):
    assert (check_deadline(2026, deadline) == []) is ok


def facts(number, **kwargs):
    return EstateFacts(number, f"Afdeling {number}", "Aarhus", "Midtjylland", **kwargs)


def test_an_estate_is_critical_by_its_worst_flag_and_unflagged_figures_count_as_none():
    estates = [
        facts(1, flags={"vacancy_rate_family": Flag.YELLOW, "vacancy_rate_youth": Flag.RED}),
        facts(2, flags={"move_out_rate_elderly": Flag.YELLOW}),
        facts(3, flags={}),
    ]
    groups = {
        "vacancy": ("vacancy_rate_family", "vacancy_rate_youth"),
        "move_out": ("move_out_rate_elderly",),
        "maintenance": ("maintenance_provision_annual_per_m2",),
    }
    rows = critical_estates(estates, groups)
    assert [(r.number, *r.marks.values()) for r in rows] == [
        (1, Flag.RED, Flag.NONE, Flag.NONE),
        (2, Flag.NONE, Flag.YELLOW, Flag.NONE),
    ]


def test_the_efficiency_distribution_counts_every_estate_of_a_mark():
    distribution = efficiency_distribution(
        [facts(1, efficiency=95.0), facts(2, efficiency=91.0), facts(3, efficiency=70.0)]
    )
    assert distribution.counts == {
        EfficiencyMark.GREEN: 2,
        EfficiencyMark.YELLOW: 0,
        EfficiencyMark.RED: 1,
    }
    assert distribution.average == 85.3  # (95 + 91 + 70) / 3 = 85.33


def test_statuses_need_no_key_figures_while_no_flag_could_change_them(estate):
    # an estate under construction fills part A only, which holds no key figure
    status, sections = statuses_whatever_the_flags(estate, {}, "under_construction")
    assert status == FormStatus.NOT_STARTED
    assert set(sections.values()) == {FormStatus.NOT_STARTED}
    done = statuses_whatever_the_flags(estate, {"a_challenges": False}, "under_construction")
    assert done[0] == FormStatus.DONE and set(done[1].values()) == {FormStatus.DONE}
    # in operation, everything but the comments answered: DONE unless a figure is flagged
    answers = {"a_challenges": False, "maintenance_condition": "satisfactory"}
    answers["has_estate_board"] = True
    assert statuses_whatever_the_flags(estate, answers, "in_operation") is None


def test_a_section_that_only_a_flag_makes_unfinished_makes_the_statuses_depend_on_flags(estate):
    # nothing answered: the form is NOT_STARTED either way, but a section of key figures is
    # DONE unless one of them is flagged
    assert statuses_whatever_the_flags(estate, {}, "in_operation") is None


def test_reminder_dates_skip_empty_entries_and_know_leap_days():
    from app.rules.reminders import parse_reminder_dates

    assert parse_reminder_dates("01-03,,01-09") == [(3, 1), (9, 1)]
    assert parse_reminder_dates("29-02") == [(2, 29)]
