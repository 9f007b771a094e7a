"""A write the database refuses on a generated screen is told in one Danish sentence, never
in the driver's words, and nothing is saved."""

from sqlalchemy import func, select

from app.models import Benchmark, BenchmarkIndex
from tests.conftest import login

REFUSED = (
    "Posten kan ikke gemmes: en anden post har de samme værdier, eller en værdi er ugyldig. "
    "Intet er gemt."
)


def test_a_second_current_benchmark_for_the_same_figure_is_refused_in_danish(world, db, client):
    login(client, "lbf")
    data = {"year": 2031, "key": "efficiency", "peer_group": "", "value": "1"}
    client.post("/benchmarkview/add", data=data, follow_redirects=True)
    page = client.post("/benchmarkview/add", data=data, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert REFUSED in html
    assert "IntegrityError" not in html and "INSERT" not in html
    assert db.session.scalar(select(func.count(Benchmark.id)).where(Benchmark.year == 2031)) == 1


def test_a_second_index_for_a_year_is_refused_beside_its_field(world, db, client):
    login(client, "lbf")
    data = {"year": 2031, "percent": "1", "description": "Nettoprisindeks"}
    client.post("/benchmarkindexview/add", data=data, follow_redirects=True)
    page = client.post("/benchmarkindexview/add", data=data, follow_redirects=True)
    # a unique column is checked by the form itself, before the database is asked
    assert "Findes allerede." in page.get_data(as_text=True)
    assert (
        db.session.scalar(select(func.count(BenchmarkIndex.id)).where(BenchmarkIndex.year == 2031))
        == 1
    )
