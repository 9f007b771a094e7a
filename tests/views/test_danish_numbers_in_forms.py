"""LBF types benchmarks, thresholds and indexes as Danes write numbers, and sees them so; a
number that could be read two ways is refused in Danish and nothing is saved."""

from decimal import Decimal

from sqlalchemy import select

from app.models import Benchmark, BenchmarkIndex, FlagThreshold
from tests.conftest import login


def test_a_benchmark_typed_with_a_decimal_comma_is_saved_and_shown_so(world, db, client):
    login(client, "lbf")
    response = client.post(
        "/benchmarkview/add",
        data={"year": 2031, "key": "efficiency", "peer_group": "", "value": "1.234,56"},
    )
    assert response.status_code == 302
    stored = db.session.scalar(select(Benchmark).where(Benchmark.year == 2031))
    assert stored.value == Decimal("1234.56")
    form = client.get(f"/benchmarkview/edit/{stored.id}").get_data(as_text=True)
    assert 'value="1.234,56"' in form


def test_a_number_with_a_decimal_point_is_refused_and_nothing_is_saved(world, db, client):
    login(client, "lbf")
    page = client.post(
        "/benchmarkview/add",
        data={"year": 2031, "key": "efficiency", "peer_group": "", "value": "95.04"},
    )
    assert "Skriv et tal med decimalkomma, fx 95,04 eller 1.234,5." in page.get_data(as_text=True)
    assert db.session.scalar(select(Benchmark).where(Benchmark.year == 2031)) is None


def test_thresholds_and_indexes_take_decimal_commas(world, db, client):
    login(client, "lbf")
    data = {
        "year": 2031,
        "key": "vacancy_rate_family",
        "direction": "higher_is_worse",
        "yellow": "12,5",
        "red": "37,5",
    }
    assert client.post("/flagthresholdview/add", data=data).status_code == 302
    threshold = db.session.scalar(select(FlagThreshold).where(FlagThreshold.year == 2031))
    assert (threshold.yellow, threshold.red) == (Decimal("12.5"), Decimal("37.5"))
    index = {"year": 2031, "percent": "-0,75", "description": "Nettoprisindeks"}
    assert client.post("/benchmarkindexview/add", data=index).status_code == 302
    stored = db.session.scalar(select(BenchmarkIndex).where(BenchmarkIndex.year == 2031))
    assert stored.percent == Decimal("-0.75")
    page = client.get("/benchmarkindexview/add").get_data(as_text=True)
    assert "bliver sidste års benchmark ganget med 1 + procent / 100" in page
