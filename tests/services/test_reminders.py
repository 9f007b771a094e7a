"""Reminders: on the configured days each municipality hears once of what is outstanding in
the last two dialogue years; an organisation hears once before its deadline."""

import datetime as dt

import pytest
from sqlalchemy import select, update

from app.models import MailMessage, Municipality, Package
from app.rules.enums import PackageStatus
from app.rules.reminders import deadline_reminder_due, outstanding_item, parse_reminder_dates
from app.services.reminders import send_reminders
from tests.services.test_filling import package_of


def test_reminder_dates_are_day_month_pairs():
    assert parse_reminder_dates("01-03, 15-09") == [(3, 1), (9, 15)]
    with pytest.raises(ValueError):
        parse_reminder_dates("31-02")


@pytest.mark.parametrize(
    ("deadline", "submitted", "expected"),
    [
        (dt.date(2026, 3, 15), False, True),  # 14 days ahead: the first day it is due
        (dt.date(2026, 3, 16), False, False),  # 15 days ahead: not yet
        (dt.date(2026, 3, 1), False, True),  # the deadline day itself
        (dt.date(2026, 2, 28), False, False),  # passed: no reminder
        (dt.date(2026, 3, 10), True, False),  # sent: no reminder
        (None, False, False),
    ],
)
def test_deadline_reminder_is_due_within_the_days_before(deadline, submitted, expected):
    assert deadline_reminder_due(deadline, submitted, dt.date(2026, 3, 1), 14) is expected


@pytest.mark.parametrize(
    ("status", "item"),
    [
        (PackageStatus.IN_PROGRESS, "ikke fremsendt"),
        (PackageStatus.SUBMITTED, "dialogmødet er ikke markeret som afholdt"),
        (PackageStatus.MEETING_HELD, "redegørelsen er ikke afgivet"),
        (PackageStatus.STATEMENT_GIVEN, None),
    ],
)
def test_what_a_municipality_still_waits_for(status, item):
    assert outstanding_item(status) == item


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
