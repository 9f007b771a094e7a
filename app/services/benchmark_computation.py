"""The benchmarks of a dialogue year, computed from the sector's key figures of the accounts
(`app.rules.benchmarks`): the values of organisations whose accounts are filed, per peer group,
with last year's benchmark indexed where too few accounts are filed. The computed benchmarks
replace the year's benchmarks of those figures, each change in the log."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from flask import current_app
from sqlalchemy import Float, and_, cast, select

from app.extensions import db
from app.models import (
    AccountsFiling,
    Benchmark,
    BenchmarkIndex,
    Estate,
    KeyFigureValue,
    Organisation,
    Package,
)
from app.questionnaires import Questionnaire, load
from app.rules.benchmarks import compute_benchmarks, dwelling_type
from app.services import audit
from app.services.reading import now


def questionnaire_of_year(year: int) -> Questionnaire:
    """The definitions the year's packages were opened with; the configured ones before."""
    version = (
        db.session.scalar(
            select(Package.questionnaire_version).where(Package.year == year).limit(1)
        )
        or current_app.config["QUESTIONNAIRE_VERSION"]
    )
    return load(version)


def index_factor(year: int) -> float:
    """The factor last year's benchmarks are carried into `year` by; 1 without an index."""
    percent = db.session.scalar(select(BenchmarkIndex.percent).where(BenchmarkIndex.year == year))
    return 1.0 if percent is None else 1 + float(percent) / 100


def compute_year_benchmarks(year: int, questionnaire: Questionnaire | None = None) -> int:
    """Replace the benchmarks of dialogue year `year` for the figures computed from the
    accounts (by the definitions of the year's questionnaire unless given); returns how many
    benchmarks changed."""
    if questionnaire is None:
        questionnaire = questionnaire_of_year(year)
    definitions = {
        key: definition.benchmark
        for key, definition in questionnaire.key_figures.items()
        if definition.formula is not None
    }
    figures = pd.DataFrame(
        db.session.execute(
            select(
                KeyFigureValue.key,
                cast(KeyFigureValue.value, Float),
                KeyFigureValue.estate_id,
                Estate.family_dwellings,
                Estate.elderly_dwellings,
                Estate.youth_dwellings,
                Organisation.kind,
            )
            .join(Organisation, Organisation.id == KeyFigureValue.organisation_id)
            .join(
                AccountsFiling,
                and_(
                    AccountsFiling.organisation_id == KeyFigureValue.organisation_id,
                    AccountsFiling.accounting_year == year - 1,
                ),
            )
            .outerjoin(Estate, Estate.id == KeyFigureValue.estate_id)
            .where(KeyFigureValue.year == year, KeyFigureValue.key.in_(list(definitions)))
        ).all(),
        columns=["key", "value", "estate_id", "family", "elderly", "youth", "kind"],
    )
    # an estate's figure is compared with estates of its dwelling type, an organisation's
    # own figure with organisations of its kind
    is_estate = figures["estate_id"].notna()
    figures["dwelling_type"] = [
        dwelling_type(int(f), int(e), int(y)) if estate else None
        for estate, f, e, y in zip(
            is_estate,
            figures["family"].fillna(0),
            figures["elderly"].fillna(0),
            figures["youth"].fillna(0),
            strict=True,
        )
    ]
    figures["organisation_kind"] = [
        None if estate else str(getattr(kind, "value", kind))
        for estate, kind in zip(is_estate, figures["kind"], strict=True)
    ]
    previous = {
        (key, peer): float(value)
        for key, peer, value in db.session.execute(
            select(Benchmark.key, Benchmark.peer_group, Benchmark.value).where(
                Benchmark.year == year - 1,
                Benchmark.key.in_(list(definitions)),
                Benchmark.valid_to.is_(None),
            )
        )
    }
    computed = compute_benchmarks(figures, definitions, previous, index_factor(year))
    return _replace(year, list(definitions), computed)


def _replace(year: int, keys: list[str], computed) -> int:
    """Each changed benchmark ends now and its successor starts now; a package keeps those
    valid at its `benchmarks_as_of` until it updates."""
    old = {
        (b.key, b.peer_group): b
        for b in db.session.scalars(
            select(Benchmark).where(
                Benchmark.year == year, Benchmark.key.in_(keys), Benchmark.valid_to.is_(None)
            )
        )
    }
    new = {
        (c.key, c.peer_group): (Decimal(str(round(c.value, 4))), c.basis, c.indexed)
        for c in computed
    }
    moment = now()
    changed = 0
    for subject in sorted(old.keys() | new.keys()):
        before = old.get(subject)
        before_value = None if before is None else (before.value, before.basis, before.indexed)
        if before_value == new.get(subject):
            continue
        changed += 1
        audit.record(
            "benchmark_computed",
            "Benchmark",
            None if before is None else before.id,
            field=f"{year}:{subject[0]}:{subject[1]}",
            old=None if before is None else before.value,
            new=None if subject not in new else new[subject][0],
        )
        if before is not None:
            before.valid_to = moment
        if subject in new:
            value, basis, indexed = new[subject]
            db.session.add(
                Benchmark(
                    year=year,
                    key=subject[0],
                    peer_group=subject[1],
                    value=value,
                    basis=basis,
                    indexed=indexed,
                    valid_from=moment,
                )
            )
        db.session.flush()  # the old one ended before its successor starts
    return changed
