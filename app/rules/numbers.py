"""Numbers as Danes type them: a decimal comma and '.' between thousands (95,04; 1.234,5;
-2,5; 4200). A text that could be read two ways is refused, never guessed at: "95.04" is an
English decimal point or a Danish thousands separator in the wrong place."""

from __future__ import annotations

import re
from decimal import Decimal

from app.rules.enums import N_

NOT_A_NUMBER = N_("Skriv et tal med decimalkomma, fx 95,04 eller 1.234,5.")

_DANISH = re.compile(r"-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?")


def parse_danish_decimal(text: str) -> Decimal:
    """The number the text names; ValueError (with `NOT_A_NUMBER`) when it is not one."""
    cleaned = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not _DANISH.fullmatch(cleaned):
        raise ValueError(NOT_A_NUMBER)
    return Decimal(cleaned.replace(".", "").replace(",", "."))


def danish_number(value: float | int | Decimal, decimals: int = 0) -> str:
    """A number as Danes write it: '.' between thousands and a decimal comma (1.234,5)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")
