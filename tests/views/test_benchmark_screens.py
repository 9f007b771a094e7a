"""LBF's benchmark, index and threshold screens: Danish labels and numbers, what a benchmark
rests on, and the effect of a change shown before it is saved. Expected counts are worked out
by hand from the values of `sector` (tests/services/test_benchmark_computation.py)."""

import datetime as dt

import pytest
from sqlalchemy import select, update

from app.models import Benchmark, BenchmarkIndex, Organisation, Package
from app.rules.enums import PackageStatus
from app.services.benchmark_computation import compute_year_benchmarks
from app.services.year_opening import open_year
from tests.conftest import login
from tests.services.test_benchmark_computation import (  # noqa: F401 (the fixture)
    ADMIN,
    YEAR,
    questionnaire_with_minimum,
    sector,
)


@pytest.fixture
def year_2030(app, db, sector):  # noqa: F811
    # admin contribution per lease unit; housing benchmark 3,500 (2,000 3,000 4,000 5,000),
    # administration 4,100 (last year's 4,000 + 2.5 %); red from 50 %, yellow from 25 % above:
    # 101: 3,000 none, 751: 4,000 (+14 %) none, 752: 2,000 none, 461: 5,000 (+43 %) yellow,
    # 900: 6,000 (+46 %) yellow; 851's accounts are not filed
    compute_year_benchmarks(YEAR, questionnaire_with_minimum(app, 2))
    db.session.commit()
    open_year(YEAR, app.config["QUESTIONNAIRE_VERSION"])  # compared with those benchmarks


def effect(client, **params):
    response = client.get("/benchmarkview/effect", query_string=params)
    assert response.status_code == 200
    return response.get_json()


def threshold_effect(client, **params):
    response = client.get("/flagthresholdview/effect", query_string=params)
    assert response.status_code == 200
    return response.get_json()


def test_the_benchmark_list_shows_the_peer_group_and_the_accounts_it_rests_on(
    year_2030, db, client
):
    db.session.add(Benchmark(year=YEAR, key="vacancy_rate_family", value=1.5, indexed=False))
    db.session.commit()
    login(client, "lbf")
    page = client.get(f"/benchmarkview/list/?_flt_0_year={YEAR}&psize_BenchmarkView=100")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Administrationsbidrag, kr. pr. lejemålsenhed" in html
    assert "Boligorganisationer" in html and "Administrationsorganisationer" in html
    assert "Afdelinger med familieboliger" in html
    assert "3.500,00" in html and "4.100,00" in html  # Danish numbers, not 3500.0000
    assert "Sat af LBF" in html  # the benchmark set by hand rests on no count
    assert "admin_contribution_per_unit" not in html.split("<tbody")[1]


def test_a_lower_threshold_shows_how_many_forms_change_their_mark_before_it_is_saved(
    year_2030, client
):
    login(client, "lbf")
    # yellow from 10 %, red from 20 %: 751 turns yellow, 461 and 900 turn red
    shown = threshold_effect(
        client, year=YEAR, key=ADMIN, direction="higher_is_worse", yellow="10", red="20"
    )
    assert (shown["forms"], shown["packages"]) == (3, 3)
    assert shown["text"].startswith("3 skemaer i 3 dokumentationspakker")


def test_a_new_benchmark_shows_its_effect_on_its_peer_group_only(year_2030, client):
    login(client, "lbf")
    # housing benchmark 2,000: 101 (+50 %) and 751 (+100 %) turn red, 461 yellow -> red;
    # 752 stays unmarked and the administration organisation 900 is another peer group
    shown = effect(client, year=YEAR, key=ADMIN, peer_group="HOUSING", value="2000,00")
    assert (shown["forms"], shown["packages"]) == (3, 3)
    # a package keeps its benchmarks until it chooses "Opdater benchmarktal"
    assert "når pakkerne opdaterer til det nye benchmark" in shown["text"]
    same = effect(client, year=YEAR, key=ADMIN, peer_group="HOUSING", value="3500")
    assert (same["forms"], same["packages"]) == (0, 0)
    assert same["text"] == (
        "Ingen markeringer ændres i pakker, der endnu ikke er fremsendt, når de opdaterer til "
        "det nye benchmark."
    )


def test_a_submitted_package_is_not_counted_since_it_never_changes(year_2030, db, client):
    organisation = db.session.scalar(select(Organisation.id).where(Organisation.number == 461))
    db.session.execute(
        update(Package)
        .where(Package.organisation_id == organisation, Package.year == YEAR)
        .values(status=PackageStatus.SUBMITTED, submitted_at=dt.datetime(2030, 9, 1))
    )
    db.session.commit()
    login(client, "lbf")
    shown = threshold_effect(
        client, year=YEAR, key=ADMIN, direction="higher_is_worse", yellow="10", red="20"
    )
    assert (shown["forms"], shown["packages"]) == (2, 2)


def test_editing_a_benchmark_counts_the_change_from_its_stored_value(year_2030, db, client):
    housing = db.session.scalar(
        select(Benchmark.id).where(
            Benchmark.year == YEAR, Benchmark.key == ADMIN, Benchmark.peer_group == "HOUSING"
        )
    )
    login(client, "lbf")
    kept = effect(client, id=housing, year=YEAR, key=ADMIN, peer_group="HOUSING", value="3500")
    assert kept["forms"] == 0
    # the edited benchmark moved to the whole sector: housing organisations fall back to it
    # (3,000 +0 %, 4,000 +33 % yellow, 2,000 none, 5,000 +67 % red): 751 and 461 change
    moved = effect(client, id=housing, year=YEAR, key=ADMIN, peer_group="", value="3000")
    assert (moved["forms"], moved["packages"]) == (2, 2)


@pytest.mark.parametrize(
    "params",
    [
        {"key": ADMIN, "peer_group": "HOUSING", "value": "3500"},
        {"year": YEAR, "key": ADMIN, "peer_group": "HOUSING", "value": "mange"},
        {"year": YEAR, "key": ADMIN, "peer_group": "kommune", "value": "1"},
        {"year": YEAR, "key": ADMIN, "peer_group": "HOUSING", "value": "nan"},
        {"year": YEAR, "key": ADMIN, "peer_group": "HOUSING", "value": "1", "id": "999999"},
    ],
)
def test_an_unfinished_form_asks_for_its_values_in_danish(year_2030, client, params):
    login(client, "lbf")
    shown = effect(client, **params)
    assert shown["forms"] is None
    assert shown["text"] == "Udfyld år, nøgletal og værdier for at se virkningen."


@pytest.mark.parametrize("username", ["bo", "kbh", "adm"])
def test_only_lbf_may_ask_for_the_effect_of_a_change(year_2030, client, username):
    login(client, username)
    response = client.get(
        "/benchmarkview/effect",
        query_string={"year": YEAR, "key": ADMIN, "peer_group": "HOUSING", "value": "1"},
    )
    assert response.status_code in (302, 403)
    assert "skemaer" not in response.get_data(as_text=True)


def test_an_index_below_minus_100_percent_is_refused_and_nothing_is_saved(world, db, client):
    login(client, "lbf")
    refused = client.post(
        "/benchmarkindexview/add",
        data={"year": 2031, "percent": "-150", "description": "Nettoprisindeks"},
        follow_redirects=True,
    )
    assert "Ændringen skal være større end -100 procent." in refused.get_data(as_text=True)
    assert db.session.scalar(select(BenchmarkIndex).where(BenchmarkIndex.year == 2031)) is None
    saved = client.post(
        "/benchmarkindexview/add",
        data={"year": 2031, "percent": "2,5", "description": "Nettoprisindeks"},
    )
    assert saved.status_code == 302
    db.session.expire_all()
    stored = db.session.scalar(select(BenchmarkIndex).where(BenchmarkIndex.year == 2031))
    assert float(stored.percent) == 2.5
