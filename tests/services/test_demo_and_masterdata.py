import pytest
from sqlalchemy import func, select

from app.models import AppUser, Estate, Municipality, Organisation, Region
from app.rules.enums import OrganisationKind
from app.services import demo_data
from app.services.masterdata import load_regions_and_municipalities


def test_master_data_holds_the_98_municipalities_in_5_regions(db):
    assert db.session.scalar(select(func.count(Municipality.id))) == 98
    assert db.session.scalar(select(func.count(Region.id))) == 5
    kbh = db.session.scalar(select(Municipality).where(Municipality.code == 101))
    assert (kbh.name, kbh.region.name) == ("København", "Region Hovedstaden")
    aalborg = db.session.scalar(select(Municipality).where(Municipality.code == 851))
    assert aalborg.region.code == 1081


def test_loading_master_data_again_adds_nothing(db):
    assert load_regions_and_municipalities() == (0, 0)


def test_small_world_has_every_roles_case(db):
    demo_data.build("small")
    kinds = set(db.session.scalars(select(Organisation.kind)))
    assert kinds == {OrganisationKind.HOUSING, OrganisationKind.ADMINISTRATION}
    homes = set(db.session.scalars(select(Organisation.home_municipality_id)))
    assert len(homes) >= 3
    # an organisation with estates outside its home municipality
    outside = db.session.scalar(
        select(func.count(Estate.id))
        .join(Organisation)
        .where(Estate.municipality_id != Organisation.home_municipality_id)
    )
    assert outside > 0
    # a housing organisation that administers another, and an administration organisation
    administrators = db.session.scalars(
        select(Organisation).where(Organisation.administered.any())
    ).all()
    assert {o.kind for o in administrators} == set(OrganisationKind)
    roles = {r.name for u in db.session.scalars(select(AppUser)) for r in u.roles}
    assert roles == {"LBF", "Boligorganisation", "Administrationsorganisation", "Kommune"}


def _snapshot(db):
    return (
        db.session.execute(
            select(Organisation.number, Organisation.name).order_by(Organisation.number)
        ).all(),
        db.session.execute(
            select(Estate.name, Estate.family_dwellings, Estate.area_m2).order_by(
                Estate.organisation_id, Estate.number
            )
        ).all(),
    )


def test_demo_data_is_deterministic(db):
    from tests.conftest import clean_database

    demo_data.build("small", seed=7)
    first = _snapshot(db)
    clean_database(db)
    demo_data.build("small", seed=7)
    assert _snapshot(db) == first


def test_demo_data_refuses_to_load_twice(db):
    demo_data.build("small")
    with pytest.raises(demo_data.DemoDataError):
        demo_data.build("small")
    assert db.session.scalar(select(func.count(Organisation.id))) == 7


def test_sector_world_has_the_size_of_the_sector(db):
    result = demo_data.build("sector")
    assert 500 <= result.organisations <= 600
    assert 6500 <= result.estates <= 7500
    assert 570_000 <= result.dwellings <= 630_000
    covered = db.session.scalar(select(func.count(func.distinct(Estate.municipality_id))))
    assert covered == 98


def test_demo_answers_complete_last_years_packages_once(db, app):
    from app.models import Package
    from app.rules.enums import PackageStatus
    from app.services import demo_answers
    from app.services.year_opening import open_year

    demo_data.build("small")
    open_year(2025, app.config["QUESTIONNAIRE_VERSION"])
    assert demo_answers.fill(2025) > 0
    statuses = set(db.session.scalars(select(Package.status).where(Package.year == 2025)))
    assert statuses == {PackageStatus.COMPLETE}
    assert demo_answers.fill(2025) == 0
