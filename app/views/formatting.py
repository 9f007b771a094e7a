"""Danish number formatting for the screens: 1.234,5 and a dash for a missing value."""

from markupsafe import Markup

MISSING = Markup('<span class="text-muted">–</span>')


def dk_number(value, decimals: int = 0):
    if value is None:
        return MISSING
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def register(app) -> None:
    app.jinja_env.filters["dk_number"] = dk_number
