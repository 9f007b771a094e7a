"""CVR numbers: the business register's number of an organisation or a municipality, which a
MitID Erhverv login carries and which ties the person to the body they act for."""

import re

from app.rules.enums import N_

_CVR = re.compile(r"\d{8}")

CVR_FORMAT = N_("Et CVR-nummer skal være 8 cifre.")


def is_cvr(text: str | None) -> bool:
    """Eight digits, nothing else (no spaces, no country prefix)."""
    return isinstance(text, str) and _CVR.fullmatch(text) is not None
