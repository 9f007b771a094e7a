"""Danish formatting for the screens: numbers as 1.234,5 with a dash for a missing value, and
times stored in UTC shown in Danish time (Europe/Copenhagen), as dd-mm-yyyy hh:mm."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from markupsafe import Markup

from app.rules.numbers import danish_number

MISSING = Markup('<span class="text-muted">–</span>')
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def dk_number(value, decimals: int = 0):
    if value is None:
        return MISSING
    return danish_number(value, decimals)


def to_local(value: dt.datetime) -> dt.datetime:
    """A stored time (naive UTC, or aware) as Copenhagen time, summer and winter time alike."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(COPENHAGEN)


def local_time(value: dt.datetime | None) -> str:
    """hh:mm in Copenhagen."""
    return "" if value is None else to_local(value).strftime("%H:%M")


def local_datetime(value: dt.datetime | None) -> str:
    """dd-mm-yyyy hh:mm in Copenhagen."""
    return "" if value is None else to_local(value).strftime("%d-%m-%Y %H:%M")


def danish_date(value: dt.date | None) -> str:
    """dd-mm-yyyy; a time is shown with its Copenhagen clock time."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return local_datetime(value)
    return value.strftime("%d-%m-%Y")


def form_title(form) -> str:
    """A form's name in the chosen language: the report, or the estate form with the estate's
    number and name."""
    from flask_babel import gettext

    if form.estate is not None:
        return f"{gettext(form.kind.label)}: {form.estate.number} {form.estate.name}"
    return gettext(form.kind.label)


def register(app) -> None:
    app.jinja_env.filters["form_title"] = form_title
    app.jinja_env.filters["dk_number"] = dk_number
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["danish_date"] = danish_date
    app.jinja_env.globals["local_time"] = local_time


def danish_decimal(value) -> str:
    """A stored number as Danes write it, for the generated lists and pages: decimal comma,
    thousands with '.', at least two decimals and the further ones that are not trailing zeros
    (95.0400 -> 95,04; 25.0000 -> 25,00; 1234.5 -> 1.234,50; 0.1234 -> 0,1234). Nothing for
    a missing value."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    exponent = number.normalize().as_tuple().exponent
    decimals = max(2, -exponent) if isinstance(exponent, int) else 2
    return dk_number(number, decimals)


def danish_integer(value) -> str:
    """A whole number with thousands as '.' (1360 -> 1.360); nothing for a missing value."""
    if value is None or value == "":
        return ""
    return dk_number(value, 0)
