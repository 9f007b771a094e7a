"""The governance report's generated parts (Bilag 3), computed from the estates' data.

They are never typed: answers to the estate forms' part A, critical key figures, efficiency,
letting tools and family dwellings flow into the report from here.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from statistics import mean

from app.rules.enums import N_, Flag, LabelledEnum

# the tenant complaints board's case categories (Bilag 3, part IV)
COMPLAINT_CATEGORIES = ("utility_accounts", "move_out", "house_rules", "other")


class LettingTool(LabelledEnum):
    WAITING_LIST = "waiting_list"
    FLEXIBLE = "flexible"
    MUNICIPAL_REFERRAL = "municipal_referral"
    ADVERTISING = "advertising"
    COMBINED = "combined"

    @classmethod
    def _labels(cls):
        return {
            cls.WAITING_LIST: N_("Venteliste"),
            cls.FLEXIBLE: N_("Fleksibel"),
            cls.MUNICIPAL_REFERRAL: N_("Kommunal anvisning"),
            cls.ADVERTISING: N_("Annoncering"),
            cls.COMBINED: N_("Kombineret udlejning"),
        }


class EfficiencyMark(LabelledEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"

    @classmethod
    def _labels(cls):
        return {cls.GREEN: N_("Grøn"), cls.YELLOW: N_("Gul"), cls.RED: N_("Rød")}


# efficiency against best practice (100 pct.): the marks' lower bounds
EFFICIENCY_GREEN_FROM = 90.0
EFFICIENCY_YELLOW_FROM = 80.0

# the key figures whose critical flags the report lists per estate (Bilag 3, V)


@dataclass(frozen=True)
class EstateFacts:
    """What the report needs to know of one estate in the package."""

    number: int
    name: str
    municipality: str
    region: str
    family_dwellings: int = 0
    in_operation: bool = True
    has_challenges: bool | None = None  # the estate form's part A
    challenge_items: tuple[str, ...] = ()
    flags: Mapping[str, Flag] = field(default_factory=dict)
    efficiency: float | None = None
    employment_rate: float | None = None
    municipality_employment_rate: float | None = None
    letting_tools: tuple[LettingTool, ...] = ()
    # lettings of family dwellings in the year, per tool (the lettings register)
    lettings: Mapping[LettingTool, int] = field(default_factory=dict)


def _by_number(estates: Iterable[EstateFacts]) -> list[EstateFacts]:
    return sorted(estates, key=lambda e: (e.municipality, e.number))


@dataclass(frozen=True)
class EstateConclusion:
    number: int
    name: str
    items: tuple[str, ...]


def estate_conclusions(estates: Iterable[EstateFacts]) -> list[EstateConclusion]:
    """Question 7: the estates whose part A says there are challenges to discuss."""
    return [
        EstateConclusion(e.number, e.name, e.challenge_items)
        for e in sorted(estates, key=lambda e: e.number)
        if e.has_challenges
    ]


def worst(flags: Iterable[Flag | None]) -> Flag:
    """The worst of the flags; a figure without a flag counts as none."""
    flags = set(flags)
    if Flag.RED in flags:
        return Flag.RED
    if Flag.YELLOW in flags:
        return Flag.YELLOW
    return Flag.NONE


@dataclass(frozen=True)
class CriticalEstate:
    municipality: str
    number: int
    name: str
    marks: Mapping[str, Flag]  # the worst mark of each group of figures, in the groups' order


def critical_estates(
    estates: Iterable[EstateFacts], groups: Mapping[str, Iterable[str]]
) -> list[CriticalEstate]:
    """Estates with a yellow or red figure in any of the groups (Bilag 3, V: vacancy,
    move-out and maintenance, as the questionnaire file groups them)."""
    rows = []
    for e in _by_number(estates):
        marks = {group: worst(e.flags.get(key) for key in keys) for group, keys in groups.items()}
        if any(mark != Flag.NONE for mark in marks.values()):
            rows.append(CriticalEstate(e.municipality, e.number, e.name, marks))
    return rows


def efficiency_mark(efficiency: float | None) -> EfficiencyMark | None:
    if efficiency is None:
        return None
    if efficiency >= EFFICIENCY_GREEN_FROM:
        return EfficiencyMark.GREEN
    if efficiency >= EFFICIENCY_YELLOW_FROM:
        return EfficiencyMark.YELLOW
    return EfficiencyMark.RED


def _average(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(mean(present), 1) if present else None


@dataclass(frozen=True)
class EfficiencyDistribution:
    counts: Mapping[EfficiencyMark, int]
    average: float | None


def efficiency_distribution(estates: Iterable[EstateFacts]) -> EfficiencyDistribution:
    estates = [e for e in estates if e.in_operation]
    counts = {mark: 0 for mark in EfficiencyMark}
    for e in estates:
        mark = efficiency_mark(e.efficiency)
        if mark is not None:
            counts[mark] += 1
    return EfficiencyDistribution(counts, _average(e.efficiency for e in estates))


@dataclass(frozen=True)
class EfficiencyRow:
    municipality: str
    number: int
    name: str
    mark: EfficiencyMark | None
    efficiency: float | None
    organisation_average: float | None
    municipality_average: float | None
    region_average: float | None


def efficiency_table(
    estates: Iterable[EstateFacts],
    municipality_averages: Mapping[str, float],
    region_averages: Mapping[str, float],
) -> list[EfficiencyRow]:
    """Bilag 1 to the report: each estate's efficiency with the organisation's, the
    municipality's and the region's averages."""
    estates = [e for e in _by_number(estates) if e.in_operation]
    organisation_average = _average(e.efficiency for e in estates)
    return [
        EfficiencyRow(
            e.municipality,
            e.number,
            e.name,
            efficiency_mark(e.efficiency),
            e.efficiency,
            organisation_average,
            municipality_averages.get(e.municipality),
            region_averages.get(e.region),
        )
        for e in estates
    ]


def letting_tools_by_municipality(
    estates: Iterable[EstateFacts],
) -> dict[str, dict[LettingTool, int]]:
    """How the family dwellings were let, per municipality: the year's lettings per tool from
    the lettings register, summed over the estates in operation with family dwellings. A
    municipality whose estates have no lettings that year is shown with zeros, not left
    out."""
    table: dict[str, dict[LettingTool, int]] = {}
    for e in _by_number(estates):
        if e.family_dwellings <= 0 or not e.in_operation:
            continue
        row = table.setdefault(e.municipality, dict.fromkeys(LettingTool, 0))
        for tool, count in e.lettings.items():
            row[tool] += count
    return dict(sorted(table.items()))


@dataclass(frozen=True)
class FamilyDwellingsRow:
    municipality: str
    number: int
    name: str
    family_dwellings: int
    letting_tools: tuple[LettingTool, ...]
    employment_rate: float | None
    municipality_employment_rate: float | None


def family_dwellings(estates: Iterable[EstateFacts]) -> list[FamilyDwellingsRow]:
    return [
        FamilyDwellingsRow(
            e.municipality,
            e.number,
            e.name,
            e.family_dwellings,
            e.letting_tools,
            e.employment_rate,
            e.municipality_employment_rate,
        )
        for e in _by_number(estates)
        if e.family_dwellings > 0 and e.in_operation
    ]
