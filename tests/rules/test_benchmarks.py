"""Benchmarks from the sector's key figures: the statistic of each peer group, the minimum of
filed accounts, and last year's benchmark indexed below it. Every expected value is worked out
by hand in the comments."""

import pandas as pd
import pytest

from app.questionnaires import BenchmarkDefinition
from app.rules.benchmarks import (
    ADMINISTRATION,
    ELDERLY,
    FAMILY,
    HOUSING,
    SECTOR,
    YOUTH,
    ComputedBenchmark,
    compute_benchmarks,
    dwelling_type,
    peer_of,
)


def organisation(key, value, kind):
    return {"key": key, "value": value, "dwelling_type": None, "organisation_kind": kind}


def estate(key, value, kind_of_dwellings):
    return {
        "key": key,
        "value": value,
        "dwelling_type": kind_of_dwellings,
        "organisation_kind": None,
    }


FIGURES = pd.DataFrame(
    [
        # housing organisations: 100, 200, 300, 1000 -> median (200 + 300) / 2 = 250
        organisation("admin", 100.0, HOUSING),
        organisation("admin", 300.0, HOUSING),
        organisation("admin", 200.0, HOUSING),
        organisation("admin", 1000.0, HOUSING),
        # administration organisations: only 2 of the 3 accounts needed
        organisation("admin", 80.0, ADMINISTRATION),
        organisation("admin", 90.0, ADMINISTRATION),
        # family estates: 10, 20, 60 -> median 20; one elderly estate, below the minimum of 2
        estate("maint", 10.0, FAMILY),
        estate("maint", 60.0, FAMILY),
        estate("maint", 20.0, FAMILY),
        estate("maint", 5.0, ELDERLY),
        # the whole sector's mean: (1 + 2 + 6) / 3 = 3
        estate("rent", 1.0, FAMILY),
        organisation("rent", 2.0, HOUSING),
        estate("rent", 6.0, YOUTH),
        # too few accounts and no benchmark last year
        organisation("fee", 4.0, HOUSING),
    ]
)
DEFINITIONS = {
    "admin": BenchmarkDefinition("median", "organisation_kind", 3),
    "maint": BenchmarkDefinition("median", "dwelling_type", 2),
    "rent": BenchmarkDefinition("mean", "sector", 2),
    "fee": BenchmarkDefinition("median", "sector", 5),
}
PREVIOUS = {
    ("admin", ADMINISTRATION): 50.0,
    ("maint", SECTOR): 40.0,
    ("maint", YOUTH): 7.0,
    ("rent", SECTOR): 99.0,
}


@pytest.fixture(scope="module")
def computed():
    results = compute_benchmarks(FIGURES, DEFINITIONS, PREVIOUS, index_factor=1.02)
    return {(b.key, b.peer_group): b for b in results}


def test_a_peer_group_with_enough_filed_accounts_gets_the_median_of_its_values(computed):
    assert computed[("admin", HOUSING)] == ComputedBenchmark("admin", HOUSING, 250.0, 4, False)
    assert computed[("maint", FAMILY)] == ComputedBenchmark("maint", FAMILY, 20.0, 3, False)


def test_housing_and_administration_organisations_are_separate_peer_groups(computed):
    # 80 and 90 are 2 accounts of the 3 needed: last year's 50 indexed by 2 % = 51
    administration = computed[("admin", ADMINISTRATION)]
    assert (administration.basis, administration.indexed) == (2, True)
    assert administration.value == pytest.approx(51.0)


def test_below_the_minimum_last_years_sector_benchmark_is_indexed_for_the_peer_group(computed):
    # one elderly estate of the 2 needed; last year had no elderly benchmark: 40 x 1.02
    elderly = computed[("maint", ELDERLY)]
    assert (elderly.basis, elderly.indexed) == (1, True)
    assert elderly.value == pytest.approx(40.8)


def test_a_peer_group_without_values_this_year_carries_last_years_forward(computed):
    youth = computed[("maint", YOUTH)]
    assert (youth.basis, youth.indexed) == (0, True)
    assert youth.value == pytest.approx(7.14)


def test_a_sector_benchmark_may_be_the_mean_of_every_value_of_the_figure(computed):
    assert computed[("rent", SECTOR)] == ComputedBenchmark("rent", SECTOR, 3.0, 3, False)


def test_too_few_accounts_and_no_benchmark_last_year_give_no_benchmark(computed):
    assert not any(key == "fee" for key, _peer in computed)


def test_exactly_the_expected_benchmarks_are_computed(computed):
    assert set(computed) == {
        ("admin", HOUSING),
        ("admin", ADMINISTRATION),
        ("maint", FAMILY),
        ("maint", ELDERLY),
        ("maint", YOUTH),
        ("rent", SECTOR),
    }


@pytest.mark.parametrize(
    ("family", "elderly", "youth", "expected"),
    [
        (3, 5, 0, ELDERLY),
        (0, 0, 4, YOUTH),
        (2, 2, 2, FAMILY),
        (0, 1, 1, ELDERLY),
        (0, 0, 0, FAMILY),
        (10, 0, 9, FAMILY),
    ],
)
def test_an_estates_dwelling_type_is_the_type_of_most_of_its_dwellings(
    family, elderly, youth, expected
):
    assert dwelling_type(family, elderly, youth) == expected


def test_a_subjects_peer_value_follows_the_figures_peer_group():
    subject = {"dwelling": YOUTH, "organisation_kind": ADMINISTRATION}
    assert peer_of(BenchmarkDefinition(peer_group="dwelling_type"), **subject) == YOUTH
    assert peer_of(BenchmarkDefinition(peer_group="organisation_kind"), **subject) == ADMINISTRATION
    assert peer_of(BenchmarkDefinition(peer_group="sector"), **subject) == SECTOR
