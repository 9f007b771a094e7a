"""Key figures of a form: value, benchmark, last year's value and the critical flag."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, func, select

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
from app.rules.flags import FlagResult, flag_for
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
        select(FlagThreshold.key, FlagThreshold.direction, FlagThreshold.yellow, FlagThreshold.red)
        .where(FlagThreshold.year == year, FlagThreshold.key.in_(list(keys)))
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
        KeyFigureValue.estate_id, KeyFigureValue.year, KeyFigureValue.key, KeyFigureValue.value
    ).where(KeyFigureValue.year.in_(list(years)), KeyFigureValue.key.in_(list(keys)))
    if estate_ids is None:
        query = query.where(
            KeyFigureValue.organisation_id == organisation_id, KeyFigureValue.estate_id.is_(None)
        )
    else:
        query = query.where(KeyFigureValue.estate_id.in_(estate_ids))
    return {
        (row.estate_id, row.year, row.key): (None if row.value is None else float(row.value))
        for row in db.session.execute(query)
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
    cells: dict[int | None, dict[str, FigureCell]] = defaultdict(dict)
    for subject in subjects:
        for key in keys:
            definition = questionnaire.key_figure(key)
            value = values.get((subject, year, key))
            if key in ACCOUNTS_FIGURES and not filed:
                # no filing, no key figures: older accounts are never used instead
                value = None
            benchmark = bench.get(key)
            cells[subject][key] = FigureCell(
                key=key,
                label=definition.label,
                unit=definition.unit,
                decimals=definition.decimals,
                value=value,
                benchmark=benchmark.value if benchmark else None,
                benchmark_indexed=bool(benchmark and benchmark.indexed),
                last_year=values.get((subject, year - 1, key)),
                result=flag_for(
                    value,
                    benchmark.value if benchmark else None,
                    rule_for(definition, overrides.get(key)),
                ),
            )
    return dict(cells)


def efficiency_averages(year: int) -> tuple[dict[str, float], dict[str, float]]:
    """Average estate efficiency per municipality and per region, by name."""
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
