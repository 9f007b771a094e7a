"""When reminders go out, what they list, and when a deadline is overdue: by hand."""

import datetime as dt

import pytest

from app.rules.deadlines import check_notification_address, is_overdue
from app.rules.enums import PackageStatus
from app.rules.reminders import (
    deadline_reminder_due,
    dialogue_years,
    is_reminder_day,
    outstanding_item,
    parse_reminder_dates,
)


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


@pytest.mark.parametrize(
    ("deadline", "submitted", "expected"),
    [
        (dt.date(2026, 11, 22), False, True),
        (dt.date(2026, 11, 23), False, False),  # the deadline day itself is not overdue
        (dt.date(2026, 11, 22), True, False),
        (None, False, False),
    ],
)
def test_a_deadline_is_overdue_only_once_passed_without_submission(deadline, submitted, expected):
    assert is_overdue(deadline, submitted, dt.date(2026, 11, 23)) is expected


def test_reminder_days_and_years():
    dates = parse_reminder_dates("01-03,01-09")
    assert is_reminder_day(dt.date(2026, 9, 1), dates)
    assert not is_reminder_day(dt.date(2026, 9, 2), dates)
    assert parse_reminder_dates(" , ") == []
    assert dialogue_years(2026) == (2025, 2026)


@pytest.mark.parametrize(
    ("address", "codes"),
    [
        ("styring@kk.dk", []),
        ("  styring@kk.dk ", []),
        ("", []),
        (None, []),
        ("styring", ["email_invalid"]),
        ("a@b", ["email_invalid"]),
        ("a b@kk.dk", ["email_invalid"]),
        ("a@kk.dk, b@kk.dk", ["email_invalid"]),
        ("a@" + "k" * 315 + ".dk", []),  # 320 characters: the longest an address may be
        ("a@" + "k" * 316 + ".dk", ["email_invalid"]),
    ],
)
def test_a_notification_address_is_one_plausible_address_or_none(address, codes):
    assert [v.code for v in check_notification_address(address)] == codes
