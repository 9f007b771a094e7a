"""Key figures of a form: value, benchmark, last year's value and the critical flag."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Float, and_, cast, func, or_, select

from app.extensions import db
from app.models import (
    AccountsFiling,
    Benchmark,
    Estate,
    FlagThreshold,
    KeyFigureValue,
    Municipality,
    Organisation,
    Region,
)
from app.questionnaires import Questionnaire
from app.rules.benchmarks import SECTOR, dwelling_type, peer_of
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
    help: str | None = None  # what the figure is and where it comes from (the "i" by it)
    measured_on: dt.date | None = None  # the day the register counted it, where it says


@dataclass(frozen=True)
class BenchmarkValue:
    value: float
    indexed: bool


@dataclass(frozen=True)
class _Row:
    value: float
    indexed: bool


class Benchmarks:
    """The benchmarks a year's forms are compared with, by key figure and peer group, as they
    were at `as_of` (a package's `benchmarks_as_of`; None: the current ones). Where the
    subject's peer group has none, the whole sector's applies; where the year has neither,
    last year's, marked as carried forward."""

    def __init__(self, year: int, keys, as_of: dt.datetime | None = None):
        query = select(
            Benchmark.year,
            Benchmark.key,
            Benchmark.peer_group,
            Benchmark.value,
            Benchmark.indexed,
        ).where(Benchmark.year.in_([year, year - 1]), Benchmark.key.in_(list(keys)))
        if as_of is None:
            query = query.where(Benchmark.valid_to.is_(None))
        else:
            query = query.where(
                Benchmark.valid_from <= as_of,
                or_(Benchmark.valid_to.is_(None), Benchmark.valid_to > as_of),
            )
        self._take(year, db.session.execute(query).all())

    @classmethod
    def of_rows(cls, year: int, rows) -> Benchmarks:
        """From benchmark rows already read (year, key, peer_group, value, indexed) of `year`
        and the year before, all valid at one moment."""
        bench = object.__new__(cls)
        bench._take(year, rows)
        return bench

    def _take(self, year: int, rows) -> None:
        self._found = {
            (r.year == year, r.key, r.peer_group): _Row(float(r.value), r.indexed) for r in rows
        }
        # whether any subject's peer group matters, or the whole sector's benchmark is all
        self.has_peer_groups = any(r.peer_group != SECTOR for r in rows)

    def changed(self, removed, key: str, added) -> Benchmarks:
        """A copy as it would be with the (key, peer group) `removed` and `added` (peer group,
        value) set for `key` in this year: what a change LBF has not yet saved would give."""
        copy = object.__new__(Benchmarks)
        copy._found = dict(self._found)
        if removed is not None:
            copy._found.pop((True, *removed), None)
        if added is not None:
            peer, value = added
            copy._found[(True, key, peer)] = _Row(value, False)
        copy.has_peer_groups = any(p != SECTOR for _, _, p in copy._found)
        return copy

    def get(self, key: str, peer_group: str = SECTOR) -> BenchmarkValue | None:
        for this_year in (True, False):
            for peer in dict.fromkeys((peer_group, SECTOR)):
                row = self._found.get((this_year, key, peer))
                if row is not None:
                    return BenchmarkValue(row.value, row.indexed or not this_year)
        return None


def peer_groups(organisation_id: int, estate_ids: list[int] | None) -> dict[int | None, tuple]:
    """Each subject's (dwelling type, organisation kind): the organisation's own figures under
    None, each estate's under its id."""
    if estate_ids is None:
        kind = db.session.scalar(
            select(Organisation.kind).where(Organisation.id == organisation_id)
        )
        return {None: (None, getattr(kind, "value", kind))}
    rows = db.session.execute(
        select(
            Estate.id, Estate.family_dwellings, Estate.elderly_dwellings, Estate.youth_dwellings
        ).where(Estate.organisation_id == organisation_id)
    ).all()
    wanted = set(estate_ids)
    return {
        estate_id: (dwelling_type(family, elderly, youth), None)
        for estate_id, family, elderly, youth in rows
        if estate_id in wanted
    }


def benchmark_for(bench: Benchmarks, definition, peers: tuple | None) -> BenchmarkValue | None:
    """The benchmark of a subject with these (dwelling type, organisation kind)."""
    dwelling, kind = peers or (None, None)
    peer = peer_of(definition.benchmark, dwelling=dwelling, organisation_kind=kind)
    return bench.get(definition.key, peer or SECTOR)


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


def _values(organisation_id: int, estate_ids: list[int] | None, years, keys, dates=None):
    """{(estate_id or None, year, key): value} for the organisation or the given estates;
    the days they were counted on go into `dates` when given, by the same key."""
    query = select(
        KeyFigureValue.estate_id,
        KeyFigureValue.year,
        KeyFigureValue.key,
        cast(KeyFigureValue.value, Float),
        KeyFigureValue.measured_on,
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
    values = {}
    for estate_id, year, key, value, measured_on in db.session.execute(query):
        values[(estate_id, year, key)] = value
        if dates is not None and measured_on is not None:
            dates[(estate_id, year, key)] = measured_on
    return values


def figure_cells(
    questionnaire: Questionnaire,
    keys,
    organisation_id: int,
    year: int,
    estate_ids: list[int] | None = None,
    as_of: dt.datetime | None = None,
) -> dict[int | None, dict[str, FigureCell]]:
    """Cells for the organisation (key None) or for each estate id, in one pass."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    filed = accounts_filed(organisation_id, year - 1)
    dates: dict = {}
    values = _values(organisation_id, estate_ids, (year, year - 1), keys, dates)
    bench = Benchmarks(year, keys, as_of)
    overrides = thresholds(year, keys)
    subjects = [None] if estate_ids is None else estate_ids
    peers = peer_groups(organisation_id, estate_ids) if bench.has_peer_groups else {}
    per_key = {
        key: (
            questionnaire.key_figure(key),
            rule_for(questionnaire.key_figure(key), overrides.get(key)),
            key in ACCOUNTS_FIGURES and not filed,
        )
        for key in keys
    }
    cells: dict[int | None, dict[str, FigureCell]] = defaultdict(dict)
    for subject in subjects:
        for key, (definition, rule, unfiled) in per_key.items():
            benchmark = benchmark_for(bench, definition, peers.get(subject))
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
                help=definition.help,
                measured_on=dates.get((subject, year, key)),
            )
    return dict(cells)


def estate_flags(
    questionnaire: Questionnaire,
    keys,
    organisation_id: int,
    year: int,
    estate_ids: list[int],
    as_of: dt.datetime | None = None,
) -> dict[int, dict[str, Flag]]:
    """The yellow and red flags of many estates at once: the report's view of its estates,
    without building a cell for every figure."""
    keys = list(dict.fromkeys(keys))
    filed = accounts_filed(organisation_id, year - 1)
    values = _values(organisation_id, estate_ids, (year,), keys)
    bench = Benchmarks(year, keys, as_of)
    overrides = thresholds(year, keys)
    definitions = {key: questionnaire.key_figure(key) for key in keys}
    rules = {key: rule_for(definitions[key], overrides.get(key)) for key in keys}
    peers = peer_groups(organisation_id, estate_ids) if bench.has_peer_groups else {}
    wanted = set(estate_ids)
    flags: dict[int, dict[str, Flag]] = defaultdict(dict)
    for (estate_id, _year, key), value in values.items():
        if estate_id not in wanted or value is None:
            continue
        if key in ACCOUNTS_FIGURES and not filed:
            continue
        benchmark = benchmark_for(bench, definitions[key], peers.get(estate_id))
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
