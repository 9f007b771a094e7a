"""LBF changes the critical-value thresholds per key figure and year; statuses follow."""

import re

from sqlalchemy import select

from app.models import Estate, FlagThreshold, Form, Organisation, Package
from app.rules.enums import FormStatus
from app.services import forms as service
from tests.conftest import login
from tests.services.test_benchmark_computation import (  # noqa: F401 (the fixture)
    YEAR,
    ids,
    sector,
    set_dwellings,
)
from tests.views.test_benchmark_screens import year_2030  # noqa: F401 (the fixture)


def _estate_form(db):
    return db.session.scalar(
        select(Form)
        .join(Package)
        .join(Package.organisation)
        .join(Estate, Estate.id == Form.estate_id)
        .where(Organisation.number == 101, Estate.number == 1, Package.year == 2026)
    )


def _flags(form):
    definition = service.definition_of(form)
    return service.flagged_items(definition, service.form_figures(form, definition))


def test_lbf_raises_a_threshold_and_the_comment_is_no_longer_required(world, db, client):
    form = _estate_form(db)
    assert "maintenance_accumulated" in _flags(form)
    login(client, "lbf")
    for key in (
        "maintenance_provision_accumulated_per_m2",
        "maintenance_provision_accumulated_per_lease",
    ):
        response = client.post(
            "/flagthresholdview/add",
            data={"year": 2026, "key": key, "direction": "lower_is_worse", "yellow": 90, "red": 95},
        )
        assert response.status_code == 302
    db.session.expire_all()
    assert "maintenance_accumulated" not in _flags(_estate_form(db))


def test_threshold_change_derives_the_years_statuses_again(world, db, client):
    form = _estate_form(db)
    for key, value in (
        ("a_challenges", False),
        ("maintenance_condition", "satisfactory"),
        ("has_estate_board", True),
        ("maintenance_annual_comment", "Forklaring"),
        ("vacancy_comment", "Forklaring"),
    ):
        service.save_answer(form.id, key, value, 0, None, _bo(db))
    db.session.refresh(form)
    assert form.status == FormStatus.IN_PROGRESS  # the accumulated provisions are uncommented
    assert _flags(form) - {"maintenance_annual", "vacancy"} == {"maintenance_accumulated"}
    login(client, "lbf")
    for key in (
        "maintenance_provision_accumulated_per_m2",
        "maintenance_provision_accumulated_per_lease",
    ):
        client.post(
            "/flagthresholdview/add",
            data={"year": 2026, "key": key, "direction": "lower_is_worse", "yellow": 90, "red": 95},
        )
    db.session.expire_all()
    assert _estate_form(db).status == FormStatus.DONE


def test_threshold_with_red_below_yellow_is_refused_with_a_danish_message(world, db, client):
    login(client, "lbf")
    response = client.post(
        "/flagthresholdview/add",
        data={
            "year": 2026,
            "key": "vacancy_rate_family",
            "direction": "higher_is_worse",
            "yellow": 50,
            "red": 10,
        },
        follow_redirects=True,
    )
    assert "0 ≤ gul ≤ rød" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(FlagThreshold.id)) is None


def test_only_lbf_reaches_thresholds_and_benchmarks(world, db, client):
    login(client, "bo")
    for url in ("/flagthresholdview/list/", "/benchmarkview/list/", "/flagthresholdview/add"):
        assert client.get(url).status_code in (302, 403)


def _bo(db):
    from app.models import AppUser
    from app.security import actor_for

    return actor_for(db.session.scalar(select(AppUser).where(AppUser.username == "bo")))


def test_lbf_sets_a_threshold_far_from_the_benchmark_either_way(world, db, client):
    """The accumulated provisions of 101's estate 1 lie far below their benchmark: "higher is
    worse" forgives them; "either way" flags them as "lower is worse" does."""
    form = _estate_form(db)
    login(client, "lbf")
    keys = (
        "maintenance_provision_accumulated_per_m2",
        "maintenance_provision_accumulated_per_lease",
    )

    def threshold(direction):
        for key in keys:
            db.session.execute(FlagThreshold.__table__.delete().where(FlagThreshold.key == key))
        db.session.commit()
        for key in keys:
            data = {"year": 2026, "key": key, "direction": direction, "yellow": 25, "red": 50}
            assert client.post("/flagthresholdview/add", data=data).status_code == 302
        db.session.expire_all()
        return "maintenance_accumulated" in _flags(_estate_form(db))

    assert "maintenance_accumulated" in _flags(form)
    assert threshold("higher_is_worse") is False
    assert threshold("either_way") is True
    listing = client.get("/flagthresholdview/list/").get_data(as_text=True)
    assert "Langt fra benchmark, over eller under" in listing


def test_a_lowered_threshold_adds_flags_on_estate_forms_as_well_as_reports(
    year_2030,  # noqa: F811
    db,
    client,
):
    """2030: 751's administration contribution 4,000 is 14 % above the housing benchmark of
    3,500; estate 1 of 752 is given 120 kr. per m² of provisions, 20 % below the family
    benchmark of 150. Both lie inside the shipped yellow limit of 25 %, and inside a lowered
    one of 10 % both are flagged."""
    from app.models import KeyFigureValue

    organisations, estates = ids(db)
    db.session.add(
        KeyFigureValue(
            year=YEAR,
            key="maintenance_provision_annual_per_m2",
            organisation_id=organisations[752],
            estate_id=estates[(752, 1)],
            value=120,
            source="accounts",
        )
    )
    db.session.commit()
    set_dwellings(db, 752, 1, 10, 0, 0)
    db.session.commit()

    def report():
        return db.session.scalar(
            select(Form)
            .join(Package)
            .where(
                Package.organisation_id == organisations[751],
                Package.year == YEAR,
                Form.estate_id.is_(None),
            )
        )

    def estate():
        return db.session.scalar(
            select(Form)
            .where(Form.estate_id == estates[(752, 1)])
            .join(Package)
            .where(Package.year == YEAR)
        )

    assert "accounts_key_figures" not in _flags(report())
    assert "maintenance_annual" not in _flags(estate())
    login(client, "lbf")
    for key, direction in (
        ("admin_contribution_per_unit", "higher_is_worse"),
        ("maintenance_provision_annual_per_m2", "lower_is_worse"),
    ):
        data = {"year": YEAR, "key": key, "direction": direction, "yellow": 10, "red": 40}
        assert client.post("/flagthresholdview/add", data=data).status_code == 302
    db.session.expire_all()
    assert "accounts_key_figures" in _flags(report())
    assert "maintenance_annual" in _flags(estate())


def test_each_key_figure_has_its_own_help_behind_an_info_button(client, world, db):
    """The "i" by each key figure (user guide 5.2.6) opens what the figure is: the help text
    of the questionnaire file, tied to its button."""
    from tests.conftest import estate_form_id

    login(client, "bo")
    page = client.get(f"/form/{estate_form_id(db)}/economy").get_data(as_text=True)
    help_text = (
        "Afdelingens henlæggelser til vedligeholdelse i regnskabsåret opgjort i kroner pr. lejemål."
    )
    assert help_text in page
    key = "maintenance_provision_annual_per_lease"
    button = re.search(rf'aria-controls="(help-figure-[\w-]+-{key})"', page)
    assert button and f'id="{button.group(1)}" class="help-text figure-help" hidden' in page
