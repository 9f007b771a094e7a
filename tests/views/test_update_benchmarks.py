""" "Opdater benchmarktal" (user guide 5.2.6): a package keeps the benchmarks it was opened
with; when LBF sets newer ones the organisation is told, warned, and may move its package to
them until submission; flags are then derived again. Values as in
tests/views/test_benchmark_screens.py: 101's administration contribution is 3,000 kr. per
lease unit against the housing organisations' benchmark of 3,500."""

import datetime as dt

import pytest
from sqlalchemy import select, update

from app.models import AuditEntry, Benchmark, Form, Package
from app.rules.enums import PackageStatus
from app.services import forms as service
from app.services.benchmark_update import newer_benchmarks, update_benchmarks
from app.services.errors import Locked, NotFound
from tests.conftest import login
from tests.services.test_benchmark_computation import ADMIN, YEAR, ids, sector  # noqa: F401
from tests.services.test_write_scope import actor
from tests.views.test_benchmark_screens import year_2030  # noqa: F401


def package_101(db):
    organisations, _ = ids(db)
    db.session.expire_all()
    return db.session.scalar(
        select(Package).where(Package.organisation_id == organisations[101], Package.year == YEAR)
    )


def report_flags(db):
    report = db.session.scalar(
        select(Form).where(Form.package_id == package_101(db).id, Form.estate_id.is_(None))
    )
    return service.flagged_items(
        service.definition_of(report), service.form_figures(report, service.definition_of(report))
    )


def lbf_sets_the_housing_benchmark(db, client, value):
    """LBF edits the housing organisations' benchmark on its screen."""
    housing = db.session.scalar(
        select(Benchmark).where(
            Benchmark.year == YEAR,
            Benchmark.key == ADMIN,
            Benchmark.peer_group == "HOUSING",
            Benchmark.valid_to.is_(None),
        )
    )
    login(client, "lbf")
    response = client.post(
        f"/benchmarkview/edit/{housing.id}",
        data={"year": YEAR, "key": ADMIN, "peer_group": "HOUSING", "value": value},
    )
    assert response.status_code == 302
    client.get("/logout/")


def test_a_package_keeps_its_benchmarks_until_the_organisation_updates(
    year_2030,  # noqa: F811
    db,
    client,
):
    assert "accounts_key_figures" not in report_flags(db)
    # 2,000: 101's 3,000 would be 50 % above, red
    lbf_sets_the_housing_benchmark(db, client, "2000")
    assert "accounts_key_figures" not in report_flags(db)  # still compared with 3,500
    package = package_101(db)
    login(client, "bo")
    page = client.get(f"/package/{package.id}/").get_data(as_text=True)
    assert "Der er kommet nyere benchmarktal" in page
    warning = client.get(f"/package/{package.id}/benchmarks").get_data(as_text=True)
    assert "Advarsel" in warning and "skal kommenteres" in warning
    done = client.post(f"/package/{package.id}/benchmarks", follow_redirects=True)
    assert "Pakken sammenlignes nu med de nyeste benchmarktal." in done.get_data(as_text=True)
    assert "accounts_key_figures" in report_flags(db)
    assert "Der er kommet nyere benchmarktal" not in done.get_data(as_text=True)
    logged = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "update_benchmarks", AuditEntry.package_id == package.id
        )
    )
    assert logged is not None and logged.user_id == actor(db, "bo").user_id


def test_the_warning_page_leads_back_when_there_is_nothing_newer(year_2030, db, client):  # noqa: F811
    package = package_101(db)
    login(client, "bo")
    assert "nyere benchmarktal" not in client.get(f"/package/{package.id}/").get_data(as_text=True)
    response = client.get(f"/package/{package.id}/benchmarks")
    assert response.status_code == 302
    assert update_benchmarks(package.id, actor(db, "bo")) == 0
    assert package_101(db).benchmarks_as_of == package.benchmarks_as_of


def test_a_submitted_package_never_changes_its_benchmarks(year_2030, db, client):  # noqa: F811
    lbf_sets_the_housing_benchmark(db, client, "2000")
    package = package_101(db)
    as_of = package.benchmarks_as_of
    db.session.execute(
        update(Package)
        .where(Package.id == package.id)
        .values(status=PackageStatus.SUBMITTED, submitted_at=dt.datetime(2030, 9, 1))
    )
    db.session.commit()
    assert not newer_benchmarks(package_101(db))
    with pytest.raises(Locked):
        update_benchmarks(package.id, actor(db, "bo"))
    login(client, "bo")
    refused = client.post(f"/package/{package.id}/benchmarks", follow_redirects=True)
    assert "Du kan ikke redigere denne dokumentationspakke." in refused.get_data(as_text=True)
    assert package_101(db).benchmarks_as_of == as_of
    assert "accounts_key_figures" not in report_flags(db)


@pytest.mark.parametrize(
    ("username", "refusal"), [("lbf", Locked), ("kbh", Locked), ("nord", NotFound)]
)
def test_only_the_organisation_updates_its_packages_benchmarks(
    year_2030,  # noqa: F811
    db,
    client,
    username,
    refusal,
):
    lbf_sets_the_housing_benchmark(db, client, "2000")
    package = package_101(db)
    with pytest.raises(refusal):
        update_benchmarks(package.id, actor(db, username))
    assert package_101(db).benchmarks_as_of == package.benchmarks_as_of


def test_lbfs_replaced_benchmark_is_kept_for_the_packages_compared_with_it(
    year_2030,  # noqa: F811
    db,
    client,
):
    lbf_sets_the_housing_benchmark(db, client, "2000")
    rows = db.session.execute(
        select(Benchmark.value, Benchmark.valid_to.is_(None)).where(
            Benchmark.year == YEAR, Benchmark.key == ADMIN, Benchmark.peer_group == "HOUSING"
        )
    ).all()
    assert sorted((float(value), current) for value, current in rows) == [
        (2000.0, True),
        (3500.0, False),
    ]
    # the list shows the current benchmark only
    login(client, "lbf")
    listing = client.get(f"/benchmarkview/list/?_flt_0_year={YEAR}").get_data(as_text=True)
    assert "2.000,00" in listing and "3.500,00" not in listing


def test_a_benchmark_lbf_deletes_stays_for_the_packages_compared_with_it(
    year_2030,  # noqa: F811
    db,
    client,
):
    housing = db.session.scalar(
        select(Benchmark).where(
            Benchmark.year == YEAR, Benchmark.key == ADMIN, Benchmark.peer_group == "HOUSING"
        )
    )
    login(client, "lbf")
    assert client.post(f"/benchmarkview/delete/{housing.id}").status_code == 302
    db.session.expire_all()
    kept = db.session.execute(
        select(Benchmark.value, Benchmark.valid_to).where(
            Benchmark.year == YEAR, Benchmark.key == ADMIN, Benchmark.peer_group == "HOUSING"
        )
    ).all()
    assert [(float(value), valid_to is not None) for value, valid_to in kept] == [(3500.0, True)]
    # 101, opened before the deletion, is still compared with 3,500: 3,000 lies below it
    report = db.session.scalar(
        select(Form).where(Form.package_id == package_101(db).id, Form.estate_id.is_(None))
    )
    figures = service.form_figures(report, service.definition_of(report))
    assert figures[ADMIN].benchmark == 3500.0
    assert newer_benchmarks(package_101(db))
