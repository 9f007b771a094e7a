"""What a benchmark or threshold LBF is about to save would do: how many forms of packages not
yet submitted would change their yellow or red mark on the key figure, in how many packages.
Nothing is written; the screens show the answer beside the form before it is saved."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Float, and_, cast, select

from app.extensions import db
from app.models import AccountsFiling, Estate, KeyFigureValue, Organisation, Package
from app.rules.benchmarks import dwelling_type
from app.rules.flags import flag_for
from app.rules.key_figures import ACCOUNTS_FIGURES, rule_for
from app.services.benchmark_computation import questionnaire_of_year
from app.services.key_figures import Benchmarks, BenchmarkValue, benchmark_for, thresholds
from app.services.statuses import DERIVED_STATUSES


@dataclass(frozen=True)
class FlagEffect:
    packages: int
    forms: int


NONE = FlagEffect(0, 0)


def flag_effect(
    year: int,
    key: str,
    *,
    benchmark: tuple[str, float] | None = None,
    threshold: tuple[str, float, float] | None = None,
    replaces: tuple[str, str] | None = None,
) -> FlagEffect:
    """The effect of setting the year's benchmark of `key` for a peer group (`benchmark`:
    peer group, value) or its threshold (`threshold`: direction, yellow, red); `replaces` is
    the (key, peer group) of the benchmark being edited, gone from where it was."""
    try:
        definition = questionnaire_of_year(year).key_figure(key)
    except KeyError:
        return NONE  # a figure no form flags
    before_bench = Benchmarks(year, [key])
    after_bench = before_bench
    if replaces is not None or benchmark is not None:
        after_bench = before_bench.changed(replaces, key, benchmark)
    current = thresholds(year, [key]).get(key)
    before_rule = rule_for(definition, current)
    after_rule = rule_for(definition, threshold) if threshold is not None else before_rule
    changed: set[tuple[int, int | None]] = set()
    for subject in _subjects(year, key):
        if key in ACCOUNTS_FIGURES and not subject.filed:
            continue  # unfiled accounts show no figure and no mark
        peers = (
            (None, subject.kind.value)
            if subject.estate_id is None
            else (dwelling_type(subject.family, subject.elderly, subject.youth), None)
        )
        before = _flag(subject.value, benchmark_for(before_bench, definition, peers), before_rule)
        after = _flag(subject.value, benchmark_for(after_bench, definition, peers), after_rule)
        if before != after:
            changed.add((subject.package_id, subject.estate_id))
    return FlagEffect(len({package for package, _ in changed}), len(changed))


def _flag(value, benchmark: BenchmarkValue | None, rule):
    return flag_for(value, benchmark.value if benchmark else None, rule).flag


def _subjects(year: int, key: str):
    """Every value of the figure in the year belonging to a package still being prepared."""
    return db.session.execute(
        select(
            Package.id.label("package_id"),
            KeyFigureValue.estate_id,
            cast(KeyFigureValue.value, Float).label("value"),
            Estate.family_dwellings.label("family"),
            Estate.elderly_dwellings.label("elderly"),
            Estate.youth_dwellings.label("youth"),
            Organisation.kind,
            AccountsFiling.id.is_not(None).label("filed"),
        )
        .join(
            Package,
            and_(
                Package.organisation_id == KeyFigureValue.organisation_id,
                Package.year == KeyFigureValue.year,
            ),
        )
        .join(Organisation, Organisation.id == KeyFigureValue.organisation_id)
        .outerjoin(Estate, Estate.id == KeyFigureValue.estate_id)
        .outerjoin(
            AccountsFiling,
            and_(
                AccountsFiling.organisation_id == KeyFigureValue.organisation_id,
                AccountsFiling.accounting_year == year - 1,
            ),
        )
        .where(
            KeyFigureValue.year == year,
            KeyFigureValue.key == key,
            Package.status.in_(DERIVED_STATUSES),
        )
    ).all()
