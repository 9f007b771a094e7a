"""Key figures of a form: value, benchmark, last year's value and the critical flag."""

import time
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Float, and_, cast, func, select

from app.extensions import db
from app.models import (
    AccountsFiling,
    Benchmark,
    Estate,
    FlagThreshold,
    KeyFigureValue,
    Municipality,
    Region,
)
from app.questionnaires import Questionnaire
from app.rules.enums import Flag
from app.rules.flags import ACCOUNTS_NOT_FILED, FlagResult, flag_for
from app.rules.key_figures import ACCOUNTS_FIGURES, rule_for


@dataclass(frozen=True)
class FigureCell:
    key: str
    label: str
    unit: str
    decimals: int
    value: float | None
    benchmark: float | None
    benchmark_indexed: bool
    last_year: float | None
    result: FlagResult


@dataclass(frozen=True)
class BenchmarkValue:
    value: float
    indexed: bool


def benchmarks(year: int, keys) -> dict[str, BenchmarkValue]:
    """This year's benchmarks; where one is missing, last year's carried forward (indexed)."""
    rows = db.session.execute(
        select(Benchmark.year, Benchmark.key, Benchmark.value, Benchmark.indexed).where(
            Benchmark.year.in_([year, year - 1]), Benchmark.key.in_(list(keys))
        )
    ).all()
    found: dict[str, BenchmarkValue] = {}
    for row in sorted(rows, key=lambda r: r.year):
        indexed = row.indexed or row.year < year
        found[row.key] = BenchmarkValue(float(row.value), indexed)
    return found


def thresholds(year: int, keys) -> dict[str, tuple[str, float, float]]:
    rows = db.session.execute(
        select(
            FlagThreshold.key, FlagThreshold.direction, FlagThreshold.yellow, FlagThreshold.red
        ).where(FlagThreshold.year == year, FlagThreshold.key.in_(list(keys)))
    ).all()
    return {r.key: (r.direction, float(r.yellow), float(r.red)) for r in rows}


def accounts_filed(organisation_id: int, accounting_year: int) -> bool:
    return (
        db.session.scalar(
            select(AccountsFiling.id).where(
                AccountsFiling.organisation_id == organisation_id,
                AccountsFiling.accounting_year == accounting_year,
            )
        )
        is not None
    )


def _values(organisation_id: int, estate_ids: list[int] | None, years, keys):
    """{(estate_id or None, year, key): value} for the organisation or the given estates."""
    query = select(
        KeyFigureValue.estate_id,
        KeyFigureValue.year,
        KeyFigureValue.key,
        cast(KeyFigureValue.value, Float),
    ).where(KeyFigureValue.year.in_(list(years)), KeyFigureValue.key.in_(list(keys)))
    if estate_ids is None:
        query = query.where(
            KeyFigureValue.organisation_id == organisation_id, KeyFigureValue.estate_id.is_(None)
        )
    elif len(estate_ids) <= 50:
        query = query.where(KeyFigureValue.estate_id.in_(estate_ids))
    else:
        # many estates: all of the organisation's, by its index, rather than a long IN list
        query = query.where(
            KeyFigureValue.organisation_id == organisation_id,
            KeyFigureValue.estate_id.is_not(None),
        )
    return {
        (estate_id, year, key): value for estate_id, year, key, value in db.session.execute(query)
    }


def figure_cells(
    questionnaire: Questionnaire,
    keys,
    organisation_id: int,
    year: int,
    estate_ids: list[int] | None = None,
) -> dict[int | None, dict[str, FigureCell]]:
    """Cells for the organisation (key None) or for each estate id, in one pass."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    filed = accounts_filed(organisation_id, year - 1)
    values = _values(organisation_id, estate_ids, (year, year - 1), keys)
    bench = benchmarks(year, keys)
    overrides = thresholds(year, keys)
    subjects = [None] if estate_ids is None else estate_ids
    per_key = {
        key: (
            questionnaire.key_figure(key),
            rule_for(questionnaire.key_figure(key), overrides.get(key)),
            bench.get(key),
            key in ACCOUNTS_FIGURES and not filed,
        )
        for key in keys
    }
    cells: dict[int | None, dict[str, FigureCell]] = defaultdict(dict)
    for subject in subjects:
        for key, (definition, rule, benchmark, unfiled) in per_key.items():
            # no filing, no key figures: older accounts are never used instead
            value = None if unfiled else values.get((subject, year, key))
            result = flag_for(value, benchmark.value if benchmark else None, rule)
            if unfiled:
                result = FlagResult(result.flag, note=ACCOUNTS_NOT_FILED)
            cells[subject][key] = FigureCell(
                key=key,
                label=definition.label,
                unit=definition.unit,
                decimals=definition.decimals,
                value=value,
                benchmark=benchmark.value if benchmark else None,
                benchmark_indexed=bool(benchmark and benchmark.indexed),
                last_year=values.get((subject, year - 1, key)),
                result=result,
            )
    return dict(cells)


def estate_flags(
    questionnaire: Questionnaire, keys, organisation_id: int, year: int, estate_ids: list[int]
) -> dict[int, dict[str, Flag]]:
    """The yellow and red flags of many estates at once: the report's view of its estates,
    without building a cell for every figure."""
    keys = list(dict.fromkeys(keys))
    filed = accounts_filed(organisation_id, year - 1)
    values = _values(organisation_id, estate_ids, (year,), keys)
    bench = benchmarks(year, keys)
    overrides = thresholds(year, keys)
    rules = {key: rule_for(questionnaire.key_figure(key), overrides.get(key)) for key in keys}
    wanted = set(estate_ids)
    flags: dict[int, dict[str, Flag]] = defaultdict(dict)
    for (estate_id, _year, key), value in values.items():
        if estate_id not in wanted or value is None:
            continue
        if key in ACCOUNTS_FIGURES and not filed:
            continue
        benchmark = bench.get(key)
        if rules[key] is not None and benchmark is not None:
            flag = flag_for(value, benchmark.value, rules[key]).flag
            if flag != Flag.NONE:
                flags[estate_id][key] = flag
    return flags


_AVERAGES_TTL_SECONDS = 300
_averages_cache: dict[int, tuple[float, tuple[dict[str, float], dict[str, float]]]] = {}


def efficiency_averages(year: int) -> tuple[dict[str, float], dict[str, float]]:
    """Average estate efficiency per municipality and per region, by name. The sector-wide
    averages change only when register data is imported, so they are kept for a few minutes."""
    cached = _averages_cache.get(year)
    if cached and time.monotonic() - cached[0] < _AVERAGES_TTL_SECONDS:
        return cached[1]
    averages = _efficiency_averages(year)
    _averages_cache[year] = (time.monotonic(), averages)
    return averages


def forget_efficiency_averages() -> None:
    _averages_cache.clear()


def _efficiency_averages(year: int) -> tuple[dict[str, float], dict[str, float]]:
    by_municipality = db.session.execute(
        select(Municipality.name, func.avg(KeyFigureValue.value))
        .join(Estate, Estate.id == KeyFigureValue.estate_id)
        .join(Municipality, Municipality.id == Estate.municipality_id)
        .where(and_(KeyFigureValue.year == year, KeyFigureValue.key == "efficiency"))
        .group_by(Municipality.name)
    ).all()
    by_region = db.session.execute(
        select(Region.name, func.avg(KeyFigureValue.value))
        .join(Estate, Estate.id == KeyFigureValue.estate_id)
        .join(Municipality, Municipality.id == Estate.municipality_id)
        .join(Region, Region.id == Municipality.region_id)
        .where(and_(KeyFigureValue.year == year, KeyFigureValue.key == "efficiency"))
        .group_by(Region.name)
    ).all()
    return (
        {name: round(float(avg), 1) for name, avg in by_municipality if avg is not None},
        {name: round(float(avg), 1) for name, avg in by_region if avg is not None},
    )
