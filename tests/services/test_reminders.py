"""Reminders: on the configured days each municipality hears once of what is outstanding in
the last two dialogue years; an organisation hears once before its deadline."""

import datetime as dt

import pytest
from sqlalchemy import select, update

from app.models import MailMessage, Municipality, Package
from app.services.reminders import send_reminders
from tests.services.test_filling import package_of


@pytest.fixture
def addresses(db):
    for municipality in db.session.scalars(select(Municipality)):
        municipality.notification_email = f"styring@k{municipality.code}.dk"
    db.session.commit()


def mails(db):
    return {
        m.recipient: m.body
        for m in db.session.scalars(select(MailMessage).order_by(MailMessage.id))
    }


def test_each_municipality_hears_once_on_a_reminder_day(world, db, addresses, app):
    app.config["REMINDER_DATES"] = "01-03,01-09"
    assert send_reminders(dt.date(2026, 3, 2)) == 0  # not a reminder day
    queued = send_reminders(dt.date(2026, 3, 1))
    sent = mails(db)
    # Copenhagen (101), Aarhus (751, 752, 900), Odense (461, 462), Aalborg (851): one each
    assert sorted(sent) == [
        "styring@k101.dk",
        "styring@k461.dk",
        "styring@k751.dk",
        "styring@k851.dk",
    ]
    assert queued == 4
    assert "2026: 101 Boligselskabet Hovedstaden: ikke fremsendt" in sent["styring@k101.dk"]
    assert sent["styring@k751.dk"].count("ikke fremsendt") == 3
    assert send_reminders(dt.date(2026, 3, 1)) == 0  # the same day again: nothing new


def test_an_organisation_is_reminded_once_before_its_deadline(world, db, app):
    app.config["REMINDER_DATES"] = ""
    package = package_of(db, 101)
    db.session.execute(
        update(Package).where(Package.id == package.id).values(deadline=dt.date(2026, 3, 10))
    )
    db.session.commit()
    assert send_reminders(dt.date(2026, 2, 20)) == 0  # 18 days ahead
    assert send_reminders(dt.date(2026, 3, 1)) == 1
    assert list(mails(db)) == ["bo@demo.styringsdialog.dk"]
    assert send_reminders(dt.date(2026, 3, 2)) == 0  # reminded already


def test_the_administrator_of_the_packages_year_is_reminded_with_the_organisation(world, db, app):
    """752 is administered by 900, whose user "adm" fills its package; 752 has no users."""
    app.config["REMINDER_DATES"] = ""
    package = package_of(db, 752)
    db.session.execute(
        update(Package).where(Package.id == package.id).values(deadline=dt.date(2026, 3, 10))
    )
    db.session.commit()
    assert send_reminders(dt.date(2026, 3, 1)) == 1
    assert list(mails(db)) == ["adm@demo.styringsdialog.dk"]
