"""Key figures from the accounts' amounts, for the whole sector in one vectorised pass: each
formula (numerator / denominator × factor, written beside its key figure in the questionnaire
file) is applied to every organisation's and estate's amounts at once."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from app.questionnaires import Formula

SUBJECT = ["organisation_id", "estate_id"]


def compute_key_figures(amounts: pd.DataFrame, formulas: Mapping[str, Formula]) -> pd.DataFrame:
    """`amounts` in long form (organisation_id, estate_id, key, value; estate_id NaN for an
    organisation's own accounts) gives key figures in long form (organisation_id, estate_id,
    key, value): one row per subject and formula whose amounts are there and whose
    denominator is positive."""
    columns = [*SUBJECT, "key", "value"]
    if amounts.empty or not formulas:
        return pd.DataFrame(columns=columns)
    # one row per subject, one column per amount (a subject holds each amount once)
    wide = amounts.set_index([*SUBJECT, "key"])["value"].astype(float).unstack("key")
    results = []
    for key, formula in formulas.items():
        if formula.numerator not in wide or formula.denominator not in wide:
            continue
        numerator = wide[formula.numerator]
        denominator = wide[formula.denominator]
        value = (numerator / denominator.where(denominator > 0)) * formula.factor
        value = value.replace([np.inf, -np.inf], np.nan).dropna()
        if value.empty:
            continue
        frame = value.rename("value").reset_index()
        frame["key"] = key
        results.append(frame[columns])
    if not results:
        return pd.DataFrame(columns=columns)
    return pd.concat(results, ignore_index=True)
