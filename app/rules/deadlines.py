"""The municipality's deadline for a package: a date it may set, within reason."""

import datetime as dt
import re

from app.rules.enums import N_
from app.rules.violations import Violation


def check_deadline(dialogue_year: int, deadline: dt.date | None) -> list[Violation]:
    """A deadline lies between the start of the accounting year and the end of the year after
    the dialogue year; no deadline at all is allowed (and has no effect on the system)."""
    if deadline is None:
        return []
    earliest = dt.date(dialogue_year - 1, 1, 1)
    latest = dt.date(dialogue_year + 1, 12, 31)
    if not earliest <= deadline <= latest:
        return [
            Violation(
                "deadline_out_of_range",
                N_("Fristen skal ligge mellem %(earliest)s og %(latest)s."),
                "deadline",
                (
                    ("earliest", earliest.strftime("%d-%m-%Y")),
                    ("latest", latest.strftime("%d-%m-%Y")),
                ),
            )
        ]
    return []


def is_overdue(deadline: dt.date | None, submitted: bool, today: dt.date) -> bool:
    """A deadline has passed without the package being sent; without a deadline nothing is
    overdue (the deadline has no effect on what the system allows)."""
    return deadline is not None and not submitted and deadline < today


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_notification_address(address: str | None) -> list[Violation]:
    """The municipality's address for notices: one plausible e-mail address, or none."""
    if address is None or not address.strip():
        return []
    text = address.strip()
    if len(text) > 320 or not EMAIL.match(text):
        return [
            Violation(
                "email_invalid",
                N_("Skriv én gyldig e-mailadresse, fx styringsdialog@kommune.dk."),
                "notification_email",
            )
        ]
    return []
