"""Benchmarks from the sector's key figures (the guidance's 6.2, the user guide's 5.2.6).

A key figure's benchmark is a statistic (the median unless the questionnaire file says
otherwise) of the values of the subject's peer group: the whole sector, estates of the same
dwelling type, or housing and administration organisations apart. A group with fewer filed
accounts than the figure's minimum gets last year's benchmark multiplied by the year's index
and marked as indexed; without last year's benchmark it gets none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from app.questionnaires import BenchmarkDefinition
from app.rules.enums import N_

SECTOR = ""  # the peer value of the whole sector
FAMILY, ELDERLY, YOUTH = "family", "elderly", "youth"
HOUSING, ADMINISTRATION = "HOUSING", "ADMINISTRATION"

# the column of the figures' frame that holds each peer group's value
PEER_COLUMNS = {
    "sector": "sector",
    "dwelling_type": "dwelling_type",
    "organisation_kind": "organisation_kind",
}

PEER_LABELS = {
    SECTOR: N_("Hele sektoren"),
    FAMILY: N_("Afdelinger med familieboliger"),
    ELDERLY: N_("Afdelinger med ældreboliger"),
    YOUTH: N_("Afdelinger med ungdomsboliger"),
    HOUSING: N_("Boligorganisationer"),
    ADMINISTRATION: N_("Administrationsorganisationer"),
}


@dataclass(frozen=True)
class ComputedBenchmark:
    key: str
    peer_group: str
    value: float
    basis: int  # the number of filed accounts with a value in the peer group
    indexed: bool


def dwelling_type(family: int, elderly: int, youth: int) -> str:
    """An estate's peer group: the type most of its dwellings are; on a tie family before
    elderly before youth, and family for an estate without dwellings."""
    counts = {FAMILY: family, ELDERLY: elderly, YOUTH: youth}
    return max(counts, key=lambda kind: (counts[kind], kind == FAMILY, kind == ELDERLY))


def peer_of(definition: BenchmarkDefinition, *, dwelling: str, organisation_kind: str) -> str:
    """The peer value of a subject under a figure's benchmark definition."""
    if definition.peer_group == "dwelling_type":
        return dwelling
    if definition.peer_group == "organisation_kind":
        return organisation_kind
    return SECTOR


def compute_benchmarks(
    figures: pd.DataFrame,
    definitions: Mapping[str, BenchmarkDefinition],
    previous: Mapping[tuple[str, str], float],
    index_factor: float,
) -> list[ComputedBenchmark]:
    """`figures` holds one row per subject and key figure with filed accounts (columns key,
    value, dwelling_type, organisation_kind); `previous` last year's benchmarks by (key, peer
    value), the whole sector's under `SECTOR`. One benchmark per key and peer value that has
    values this year or a benchmark last year."""
    results: list[ComputedBenchmark] = []
    for key, definition in definitions.items():
        rows = figures.loc[figures["key"] == key]
        if definition.peer_group == "sector":
            groups = rows.assign(sector=SECTOR).groupby("sector")["value"]
        else:
            groups = rows.groupby(PEER_COLUMNS[definition.peer_group])["value"]
        statistic = groups.agg(definition.statistic)
        counts = groups.count()
        peers = set(counts.index) | {peer for (k, peer) in previous if k == key}
        if definition.peer_group != "sector":
            peers.discard(SECTOR)
        for peer in sorted(peers):
            basis = int(counts.get(peer, 0))
            if basis >= definition.minimum_accounts:
                results.append(
                    ComputedBenchmark(key, peer, float(statistic[peer]), basis, indexed=False)
                )
                continue
            last = previous.get((key, peer), previous.get((key, SECTOR)))
            if last is not None:
                results.append(
                    ComputedBenchmark(key, peer, last * index_factor, basis, indexed=True)
                )
    return results
