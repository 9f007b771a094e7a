"""The overview's tabs and the guide (user guide 5.1): Dokumentationspakker, Statistik and
Vejledning for every role; the guide tells each role its own steps and lists the key figures
with the yellow and red limits LBF has set for the newest year."""

import re
from decimal import Decimal

import pytest

from app.models import FlagThreshold


def tabs(page: str) -> list[tuple[str, bool]]:
    """The overview's tabs: (label, whether it is the current page)."""
    bar = re.search(r'<nav class="overview-tabs".*?</nav>', page, re.S).group(0)
    return [
        (label, "aria-current" in attributes)
        for attributes, label in re.findall(r"<a ([^>]*)>([^<]+)</a>", bar)
    ]


def figure_row(page: str, key: str) -> list[str]:
    row = re.search(rf'<tr data-figure="{key}">(.*?)</tr>', page, re.S).group(1)
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
    ]


@pytest.mark.parametrize("user", ["bo", "kbh", "lbf"])
def test_every_roles_overview_has_the_guides_three_tabs_with_the_first_current(
    world, login_as, user
):
    page = login_as(user).get("/overview/").get_data(as_text=True)
    assert tabs(page) == [
        ("Dokumentationspakker", True),
        ("Statistik", False),
        ("Vejledning", False),
    ]


@pytest.mark.parametrize(
    ("user", "steps"),
    [("bo", "steps-organisation"), ("kbh", "steps-municipality"), ("lbf", "steps-lbf")],
)
def test_the_guide_tells_each_role_its_own_steps(world, login_as, user, steps):
    response = login_as(user).get("/overview/guide")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert tabs(page) == [
        ("Dokumentationspakker", False),
        ("Statistik", False),
        ("Vejledning", True),
    ]
    shown = set(re.findall(r'<ol class="guide-steps" id="(steps-[a-z]+)"', page))
    assert shown == {steps}


def test_the_guide_lists_each_key_figure_with_the_questionnaires_limits(world, login_as):
    page = login_as("bo").get("/overview/guide").get_data(as_text=True)
    assert "styringsdialogår 2026" in page
    # app/questionnaires/2026.1.yaml: higher is worse, yellow from 25 %, red from 50 %
    assert figure_row(page, "admin_contribution_per_unit") == [
        "Administrationsbidrag, kr. pr. lejemålsenhed (fra regnskabet)",
        "kr.",
        "over benchmark",
        "25 %",
        "50 %",
    ]


def test_the_guide_shows_the_limits_lbf_set_for_the_year(world, db, login_as):
    db.session.add(
        FlagThreshold(
            year=2026,
            key="admin_contribution_per_unit",
            direction="lower_is_worse",
            yellow=Decimal("12.5"),
            red=Decimal("30"),
        )
    )
    db.session.commit()
    page = login_as("kbh").get("/overview/guide").get_data(as_text=True)
    assert figure_row(page, "admin_contribution_per_unit")[2:] == [
        "under benchmark",
        "12,50 %",
        "30 %",
    ]


def test_the_guide_in_english_keeps_the_questionnaires_danish_labels(world, login_as):
    client = login_as("bo")
    client.get("/lang/en")
    page = client.get("/overview/guide").get_data(as_text=True)
    assert tabs(page) == [
        ("Documentation packages", False),
        ("Statistics", False),
        ("Guide", True),
    ]
    assert "Administrationsbidrag, kr. pr. lejemålsenhed" in page
    assert "above the benchmark" in page


def test_the_guide_is_not_public(client, world):
    response = client.get("/overview/guide")
    assert response.status_code in (302, 401, 403)
    assert "Nøgletal og benchmark" not in response.get_data(as_text=True)
