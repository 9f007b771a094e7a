"""When reminders go out and what they list: plain values only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from app.rules.enums import N_, PackageStatus


def parse_reminder_dates(text: str) -> list[tuple[int, int]]:
    """`"01-03,01-09"` (day-month) as [(3, 1), (9, 1)] (month, day); a malformed entry
    raises ValueError."""
    dates = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        day, month = (int(x) for x in part.split("-"))
        dt.date(2024, month, day)  # a real day of the year (29-02 included)
        dates.append((month, day))
    return dates


def is_reminder_day(today: dt.date, dates: Iterable[tuple[int, int]]) -> bool:
    return (today.month, today.day) in set(dates)


def dialogue_years(latest: int) -> tuple[int, int]:
    """A municipality's reminder covers the last two dialogue years."""
    return (latest - 1, latest)


@dataclass(frozen=True)
class Outstanding:
    year: int
    organisation: str
    what: str  # a message id


NOT_SUBMITTED = N_("ikke fremsendt")
MEETING_NOT_HELD = N_("dialogmødet er ikke markeret som afholdt")
STATEMENT_NOT_GIVEN = N_("redegørelsen er ikke afgivet")


def outstanding_item(status: PackageStatus) -> str | None:
    """What a home municipality still waits for, or does, on a package of this status."""
    if status == PackageStatus.STATEMENT_GIVEN:
        return None
    if status == PackageStatus.MEETING_HELD:
        return STATEMENT_NOT_GIVEN
    if status == PackageStatus.SUBMITTED:
        return MEETING_NOT_HELD
    return NOT_SUBMITTED


def deadline_reminder_due(
    deadline: dt.date | None, submitted: bool, today: dt.date, days_before: int
) -> bool:
    """An organisation is reminded once, `days_before` days before its deadline, while its
    package is not sent."""
    return deadline is not None and not submitted and 0 <= (deadline - today).days <= days_before
