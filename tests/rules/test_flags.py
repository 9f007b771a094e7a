"""Critical key figures (app/rules/flags.py): deviation from the benchmark and yellow/red flags."""

import math

import pytest

from app.rules.enums import Flag
from app.rules.flags import (
    HIGHER_IS_WORSE,
    LOWER_IS_WORSE,
    NO_BENCHMARK,
    NO_VALUE,
    ZERO_BENCHMARK,
    CriticalRule,
    FlagResult,
    deviation,
    flag_for,
)

HIGHER = CriticalRule(HIGHER_IS_WORSE, 25, 50)
LOWER = CriticalRule(LOWER_IS_WORSE, 25, 50)


# --- CriticalRule ---------------------------------------------------------------------------------


def test_valid_rule_keeps_its_direction_and_thresholds():
    rule = CriticalRule(LOWER_IS_WORSE, 25.0, 50.0)
    assert (rule.direction, rule.yellow, rule.red) == (LOWER_IS_WORSE, 25.0, 50.0)


def test_rule_with_yellow_equal_to_red_is_allowed():
    assert CriticalRule(HIGHER_IS_WORSE, 30, 30).red == 30


def test_rule_with_zero_yellow_is_allowed():
    assert CriticalRule(HIGHER_IS_WORSE, 0, 10).yellow == 0


def test_rule_with_red_below_yellow_is_refused():
    with pytest.raises(ValueError, match="yellow <= red"):
        CriticalRule(HIGHER_IS_WORSE, 50, 25)


def test_rule_with_negative_yellow_is_refused():
    with pytest.raises(ValueError, match="0 <= yellow"):
        CriticalRule(HIGHER_IS_WORSE, -5, 25)


def test_rule_with_negative_yellow_and_red_is_refused():
    with pytest.raises(ValueError):
        CriticalRule(LOWER_IS_WORSE, -50, -25)


def test_rule_with_negative_red_is_refused():
    with pytest.raises(ValueError):
        CriticalRule(LOWER_IS_WORSE, 0, -1)


@pytest.mark.parametrize("direction", ["sideways", "HIGHER_IS_WORSE", "", None])
def test_rule_with_unknown_direction_is_refused(direction):
    with pytest.raises(ValueError, match="unknown direction"):
        CriticalRule(direction, 25, 50)


@pytest.mark.parametrize(
    ("yellow", "red"), [(math.nan, 50.0), (25.0, math.nan), (math.nan, math.nan)]
)
def test_rule_with_a_nan_threshold_is_refused(yellow, red):
    # the docstring promises 0 <= yellow <= red; NaN satisfies neither comparison
    with pytest.raises(ValueError):
        CriticalRule(HIGHER_IS_WORSE, yellow, red)


def test_rule_is_immutable():
    with pytest.raises(AttributeError):
        HIGHER.red = 10


# --- deviation ------------------------------------------------------------------------------------


def test_deviation_is_positive_when_a_higher_is_worse_value_is_above_the_benchmark():
    assert deviation(125, 100, HIGHER_IS_WORSE) == pytest.approx(25)


def test_deviation_is_negative_when_a_higher_is_worse_value_is_below_the_benchmark():
    assert deviation(75, 100, HIGHER_IS_WORSE) == pytest.approx(-25)


def test_deviation_is_positive_when_a_lower_is_worse_value_is_below_the_benchmark():
    assert deviation(75, 100, LOWER_IS_WORSE) == pytest.approx(25)


def test_deviation_is_negative_when_a_lower_is_worse_value_is_above_the_benchmark():
    assert deviation(125, 100, LOWER_IS_WORSE) == pytest.approx(-25)


def test_deviation_is_zero_when_the_value_equals_the_benchmark():
    assert deviation(100, 100, HIGHER_IS_WORSE) == 0
    assert deviation(100, 100, LOWER_IS_WORSE) == 0


def test_deviation_divides_by_the_absolute_value_of_a_negative_benchmark():
    # -75 is higher than -100 by 25 % of |-100|
    assert deviation(-75, -100, HIGHER_IS_WORSE) == pytest.approx(25)
    assert deviation(-75, -100, LOWER_IS_WORSE) == pytest.approx(-25)
    # -150 is lower than -100 by 50 % of |-100|
    assert deviation(-150, -100, LOWER_IS_WORSE) == pytest.approx(50)
    assert deviation(-150, -100, HIGHER_IS_WORSE) == pytest.approx(-50)


def test_deviation_of_a_zero_value_is_minus_or_plus_one_hundred_percent():
    assert deviation(0, 100, HIGHER_IS_WORSE) == pytest.approx(-100)
    assert deviation(0, 100, LOWER_IS_WORSE) == pytest.approx(100)


def test_deviation_of_a_negative_value_against_a_positive_benchmark():
    assert deviation(-20, 100, LOWER_IS_WORSE) == pytest.approx(120)
    assert deviation(-20, 100, HIGHER_IS_WORSE) == pytest.approx(-120)


# --- flag_for: thresholds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "benchmark"), [(125, 100), (125.0, 100.0), (0.125, 0.1), (0.7, 0.56), (1.3, 1.04)]
)
def test_higher_is_worse_value_exactly_on_the_yellow_threshold_is_yellow(value, benchmark):
    result = flag_for(value, benchmark, HIGHER)
    assert result.flag == Flag.YELLOW
    assert result.deviation_pct == pytest.approx(25)
    assert result.note is None


@pytest.mark.parametrize(
    ("value", "benchmark"), [(150, 100), (0.15, 0.1), (0.84, 0.56), (1.56, 1.04)]
)
def test_higher_is_worse_value_exactly_on_the_red_threshold_is_red(value, benchmark):
    result = flag_for(value, benchmark, HIGHER)
    assert result.flag == Flag.RED
    assert result.deviation_pct == pytest.approx(50)


@pytest.mark.parametrize(("value", "benchmark"), [(75, 100), (2.25, 3), (0.42, 0.56)])
def test_lower_is_worse_value_exactly_on_the_yellow_threshold_is_yellow(value, benchmark):
    result = flag_for(value, benchmark, LOWER)
    assert result.flag == Flag.YELLOW
    assert result.deviation_pct == pytest.approx(25)


@pytest.mark.parametrize(("value", "benchmark"), [(50, 100), (1.5, 3), (0.28, 0.56)])
def test_lower_is_worse_value_exactly_on_the_red_threshold_is_red(value, benchmark):
    result = flag_for(value, benchmark, LOWER)
    assert result.flag == Flag.RED
    assert result.deviation_pct == pytest.approx(50)


def test_higher_is_worse_value_just_below_the_yellow_threshold_is_not_flagged():
    result = flag_for(124.99, 100, HIGHER)
    assert result.flag == Flag.NONE
    assert result.deviation_pct == pytest.approx(24.99)
    assert result.note is None


def test_higher_is_worse_value_just_below_the_red_threshold_is_yellow():
    result = flag_for(149.99, 100, HIGHER)
    assert result.flag == Flag.YELLOW
    assert result.deviation_pct == pytest.approx(49.99)


def test_lower_is_worse_value_just_short_of_the_yellow_threshold_is_not_flagged():
    assert flag_for(75.01, 100, LOWER).flag == Flag.NONE


def test_lower_is_worse_value_just_short_of_the_red_threshold_is_yellow():
    assert flag_for(50.01, 100, LOWER).flag == Flag.YELLOW


def test_value_far_beyond_the_red_threshold_is_red():
    assert flag_for(1000, 100, HIGHER).flag == Flag.RED
    assert flag_for(1, 100, LOWER).flag == Flag.RED


def test_value_equal_to_the_benchmark_is_not_flagged():
    result = flag_for(100, 100, HIGHER)
    assert result.flag == Flag.NONE
    assert result.deviation_pct == 0


def test_value_better_than_the_benchmark_by_the_red_margin_is_not_flagged():
    # the same distance as red, but in the good direction
    assert flag_for(50, 100, HIGHER).flag == Flag.NONE
    assert flag_for(150, 100, LOWER).flag == Flag.NONE


def test_value_on_a_zero_yellow_threshold_is_yellow():
    assert flag_for(100, 100, CriticalRule(HIGHER_IS_WORSE, 0, 10)).flag == Flag.YELLOW


def test_equal_yellow_and_red_thresholds_give_red_when_reached():
    rule = CriticalRule(HIGHER_IS_WORSE, 30, 30)
    assert flag_for(130, 100, rule).flag == Flag.RED
    assert flag_for(129.9, 100, rule).flag == Flag.NONE


# --- flag_for: negative and zero values and benchmarks --------------------------------------------


def test_negative_benchmark_higher_is_worse_on_the_yellow_threshold_is_yellow():
    result = flag_for(-75, -100, HIGHER)
    assert result.flag == Flag.YELLOW
    assert result.deviation_pct == pytest.approx(25)


def test_negative_benchmark_higher_is_worse_value_below_it_is_not_flagged():
    result = flag_for(-150, -100, HIGHER)
    assert result.flag == Flag.NONE
    assert result.deviation_pct == pytest.approx(-50)


def test_negative_benchmark_lower_is_worse_on_the_red_threshold_is_red():
    result = flag_for(-150, -100, LOWER)
    assert result.flag == Flag.RED
    assert result.deviation_pct == pytest.approx(50)


def test_negative_benchmark_lower_is_worse_value_above_it_is_not_flagged():
    assert flag_for(-50, -100, LOWER).flag == Flag.NONE


def test_negative_value_against_a_positive_lower_is_worse_benchmark_is_red():
    result = flag_for(-20, 100, LOWER)
    assert result.flag == Flag.RED
    assert result.deviation_pct == pytest.approx(120)


def test_negative_value_against_a_positive_higher_is_worse_benchmark_is_not_flagged():
    assert flag_for(-20, 100, HIGHER).flag == Flag.NONE


def test_zero_value_is_a_value_not_a_missing_one():
    result = flag_for(0, 100, LOWER)
    assert result.flag == Flag.RED
    assert result.deviation_pct == pytest.approx(100)
    assert result.note is None


def test_zero_value_is_not_flagged_when_higher_is_worse():
    result = flag_for(0, 100, HIGHER)
    assert result.flag == Flag.NONE
    assert result.deviation_pct == pytest.approx(-100)
    assert result.note is None


@pytest.mark.parametrize("benchmark", [0, 0.0, -0.0])
def test_zero_benchmark_gives_no_flag_and_a_note(benchmark):
    result = flag_for(500, benchmark, HIGHER)
    assert result == FlagResult(Flag.NONE, None, ZERO_BENCHMARK)
    assert not result.critical


def test_zero_benchmark_and_zero_value_give_the_zero_benchmark_note():
    assert flag_for(0, 0, LOWER).note == ZERO_BENCHMARK


# --- flag_for: missing data and figures without a rule --------------------------------------------


def test_missing_value_gives_no_flag_and_a_note():
    result = flag_for(None, 100, HIGHER)
    assert result == FlagResult(Flag.NONE, None, NO_VALUE)
    assert not result.critical


def test_missing_benchmark_gives_no_flag_and_a_note():
    result = flag_for(500, None, HIGHER)
    assert result == FlagResult(Flag.NONE, None, NO_BENCHMARK)
    assert not result.critical


def test_missing_value_and_benchmark_report_the_missing_value():
    assert flag_for(None, None, LOWER).note == NO_VALUE


def test_figure_without_a_rule_is_never_flagged_and_has_no_note():
    assert flag_for(10_000, 1, None) == FlagResult(Flag.NONE)
    assert flag_for(None, None, None) == FlagResult(Flag.NONE)
    assert flag_for(5, 0, None) == FlagResult(Flag.NONE)


def test_notes_are_distinct_message_ids():
    assert len({NO_BENCHMARK, ZERO_BENCHMARK, NO_VALUE}) == 3


# --- FlagResult -----------------------------------------------------------------------------------


def test_yellow_and_red_are_critical_none_is_not():
    assert FlagResult(Flag.YELLOW, 30.0).critical
    assert FlagResult(Flag.RED, 60.0).critical
    assert not FlagResult(Flag.NONE, 10.0).critical


def test_flag_result_carries_the_rounded_deviation():
    result = flag_for(0.125, 0.1, HIGHER)
    assert result.deviation_pct == 25.0


# --- a yellow figure needs its comment, like a red one (user guide 5.2.3) ------------------------


@pytest.mark.parametrize(
    ("value", "flag"),
    [(3.0, Flag.YELLOW), (4.0, Flag.RED)],  # 50 % and 100 % above a benchmark of 2.0
)
def test_a_yellow_or_red_figure_makes_its_tables_comment_required(estate, value, flag):
    from app.rules.progress import form_progress

    result = flag_for(value, 2.0, CriticalRule(HIGHER_IS_WORSE, 25, 75))
    assert result.flag == flag and result.critical
    flagged = frozenset({"vacancy"}) if result.critical else frozenset()
    answers = {
        "a_challenges": False,
        "maintenance_condition": "satisfactory",
        "has_estate_board": True,
    }
    progress = form_progress(estate, answers, "in_operation", flagged)
    letting = next(s for s in progress.sections if s.key == "letting")
    assert [(v.code, v.field) for v in letting.missing] == [("comment_required", "vacancy_comment")]
    assert progress.status.value == "IN_PROGRESS"
    answers["vacancy_comment"] = "Ledigheden skyldes renovering."
    assert form_progress(estate, answers, "in_operation", flagged).status.value == "DONE"


def test_a_deviation_a_billionth_below_the_threshold_counts_as_reaching_it():
    # 124.9999999998 lies 24.9999999998 % above 100: within the 9 decimals rounded away as
    # floating-point noise, so it is on the yellow threshold of 25 %
    assert flag_for(124.9999999998, 100, HIGHER).flag == Flag.YELLOW
    # 124.99999998 lies 24.99999998 % above: a real difference, below the threshold
    assert flag_for(124.99999998, 100, HIGHER).flag == Flag.NONE


def test_rule_refusal_names_the_order_the_thresholds_must_keep():
    with pytest.raises(ValueError) as error:
        CriticalRule(HIGHER_IS_WORSE, 50, 25)
    assert str(error.value) == "thresholds must satisfy 0 <= yellow <= red"


def test_rule_refusal_of_an_infinite_threshold_says_so():
    with pytest.raises(ValueError) as error:
        CriticalRule(HIGHER_IS_WORSE, 25, math.inf)
    assert str(error.value) == "thresholds must be finite numbers"


# --- far from the benchmark either way ------------------------------------------------------------

EITHER = CriticalRule("either_way", 25, 50)


@pytest.mark.parametrize(
    ("value", "flag", "deviation"),
    [
        (110, Flag.NONE, 10.0),  # 10 % above
        (90, Flag.NONE, 10.0),  # 10 % below
        (125, Flag.YELLOW, 25.0),  # exactly the yellow limit above
        (60, Flag.YELLOW, 40.0),  # 40 % below
        (160, Flag.RED, 60.0),  # 60 % above
        (50, Flag.RED, 50.0),  # exactly the red limit below
    ],
)
def test_a_figure_far_from_its_benchmark_either_way_is_flagged_by_the_size_of_the_gap(
    value, flag, deviation
):
    result = flag_for(value, 100, EITHER)
    assert (result.flag, result.deviation_pct) == (flag, deviation)
