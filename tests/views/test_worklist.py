"""The municipality's worklist: its organisations for a year, filters and sort, overdue
deadlines, deadlines for several organisations at once, and its own notification address."""

import datetime as dt
import re

import pytest
from sqlalchemy import select

from app.models import AuditEntry, Municipality, Package
from tests.services.test_filling import package_of


def rows(page: str) -> list[str]:
    """The organisations listed, in order (their links' text)."""

    return re.findall(
        r'<th scope="row" data-title="[^"]*"><a href="/package/\d+/">([^<]+)</a>', page
    )


def test_worklist_lists_home_and_location_organisations_of_the_year(world, db, login_as):
    kbh = login_as("kbh").get("/overview/").get_data(as_text=True)
    assert rows(kbh) == ["101 Boligselskabet Hovedstaden"]
    assert "Hjemstedskommune" in kbh
    roskilde = login_as("roskilde").get("/overview/?relation=location").get_data(as_text=True)
    assert rows(roskilde) == ["101 Boligselskabet Hovedstaden"]
    assert rows(login_as("roskilde").get("/overview/?relation=home").get_data(as_text=True)) == []
    aarhus = login_as("aarhus").get("/overview/?sort=organisation").get_data(as_text=True)
    # the administration organisation's own package (Bilag 5) too: its home is Aarhus
    assert rows(aarhus) == [
        "751 Aarhus Almene Boliger",
        "752 Jysk Boligforening",
        "900 Fælles Boligadministration",
    ]


def test_home_municipality_sets_one_deadline_for_several_organisations(world, db, login_as):
    ids = [package_of(db, 751).id, package_of(db, 752).id]
    client = login_as("aarhus")
    client.post("/overview/deadlines", data={"package": ids, "deadline": "15-12-2026"})
    db.session.expire_all()
    assert [db.session.get(Package, i).deadline for i in ids] == [dt.date(2026, 12, 15)] * 2
    logged = db.session.scalars(select(AuditEntry).where(AuditEntry.field == "deadline")).all()
    assert sorted(e.package_id for e in logged) == sorted(ids)
    page = client.get("/overview/?overdue=1").get_data(as_text=True)
    assert rows(page) == []  # 15-12-2026 has not passed


@pytest.mark.parametrize(
    ("username", "deadline", "message"),
    [
        ("roskilde", "15-12-2026", "kun hjemstedskommunen fastsætter fristen"),
        ("kbh", "abc", "Ikke en gyldig dato"),
        ("kbh", "01-01-2020", "Fristen skal ligge mellem"),
    ],
)
def test_a_refused_deadline_says_why_and_changes_nothing(
    world, db, login_as, username, deadline, message
):
    package_id = package_of(db, 101).id
    client = login_as(username)
    response = client.post(
        "/overview/deadlines",
        data={"package": [package_id], "deadline": deadline},
        follow_redirects=True,
    )
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Package, package_id).deadline is None


def test_municipality_sets_its_own_notification_address(world, db, login_as):
    client = login_as("kbh")
    refused = client.post(
        "/overview/notification-address",
        data={"notification_email": "ikke en adresse"},
        follow_redirects=True,
    )
    assert "Skriv én gyldig e-mailadresse" in refused.get_data(as_text=True)
    client.post("/overview/notification-address", data={"notification_email": "sd@kk.dk"})
    db.session.expire_all()
    kbh = db.session.scalar(select(Municipality).where(Municipality.code == 101))
    assert kbh.notification_email == "sd@kk.dk"
    assert (
        db.session.scalar(
            select(AuditEntry.new_value).where(AuditEntry.field == "notification_email")
        )
        == "sd@kk.dk"
    )


def test_an_organisation_cannot_set_deadlines_or_addresses(world, db, login_as):
    client = login_as("bo")
    package_id = package_of(db, 101).id
    kbh = db.session.scalar(select(Municipality).where(Municipality.code == 101))
    address_before = kbh.notification_email
    client.post("/overview/deadlines", data={"package": [package_id], "deadline": "15-12-2026"})
    client.post("/overview/notification-address", data={"notification_email": "x@y.dk"})
    db.session.expire_all()
    assert db.session.get(Package, package_id).deadline is None
    kbh = db.session.scalar(select(Municipality).where(Municipality.code == 101))
    assert kbh.notification_email == address_before != "x@y.dk"
