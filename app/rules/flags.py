"""Critical key figures: how far a value lies from its benchmark in the worse direction."""

import math
from dataclasses import dataclass

from app.rules.enums import N_, Flag

HIGHER_IS_WORSE = "higher_is_worse"
LOWER_IS_WORSE = "lower_is_worse"
# "langt fra benchmarktallet": far from the benchmark either way is critical
EITHER_WAY = "either_way"
DIRECTIONS = (HIGHER_IS_WORSE, LOWER_IS_WORSE, EITHER_WAY)


@dataclass(frozen=True)
class CriticalRule:
    """Yellow and red thresholds in percent deviation from the benchmark, in the worse
    direction; LBF may change them per key figure and year."""

    direction: str
    yellow: float
    red: float

    def __post_init__(self):
        if self.direction not in DIRECTIONS:
            raise ValueError(f"unknown direction {self.direction!r}")
        if not (math.isfinite(self.yellow) and math.isfinite(self.red)):
            raise ValueError("thresholds must be finite numbers")
        if self.yellow < 0 or self.red < self.yellow:
            raise ValueError("thresholds must satisfy 0 <= yellow <= red")


@dataclass(frozen=True)
class FlagResult:
    flag: Flag
    deviation_pct: float | None = None  # positive: worse than the benchmark
    note: str | None = None  # a catalogue message id shown beside the figure

    @property
    def critical(self) -> bool:
        return self.flag in (Flag.YELLOW, Flag.RED)


NO_BENCHMARK = N_("Intet benchmark: nøgletallet kan ikke vurderes.")
ZERO_BENCHMARK = N_("Benchmark er 0: afvigelsen kan ikke beregnes.")
NO_VALUE = N_("Ingen værdi.")
ACCOUNTS_NOT_FILED = N_("Regnskabet er ikke indberettet til Landsbyggefonden: ingen nøgletal.")


def deviation(value: float, benchmark: float, direction: str) -> float:
    """Percent deviation from the benchmark, positive when the value is worse (either way:
    always, by its size)."""
    change = (value - benchmark) / abs(benchmark) * 100
    if direction == EITHER_WAY:
        return abs(change)
    return change if direction == HIGHER_IS_WORSE else -change


def flag_for(value: float | None, benchmark: float | None, rule: CriticalRule | None) -> FlagResult:
    """None, yellow or red. A threshold reached exactly counts as reached. A figure without a
    critical rule is never flagged; one without a value or benchmark gets a visible note."""
    if rule is None:
        return FlagResult(Flag.NONE)
    if value is None:
        return FlagResult(Flag.NONE, note=NO_VALUE)
    if benchmark is None:
        return FlagResult(Flag.NONE, note=NO_BENCHMARK)
    if benchmark == 0:
        return FlagResult(Flag.NONE, note=ZERO_BENCHMARK)
    worse_by = deviation(float(value), float(benchmark), rule.direction)
    # round away floating-point noise so that a value exactly on a threshold is flagged
    worse_by = round(worse_by, 9)
    if worse_by >= rule.red:
        return FlagResult(Flag.RED, worse_by)
    if worse_by >= rule.yellow:
        return FlagResult(Flag.YELLOW, worse_by)
    return FlagResult(Flag.NONE, worse_by)
