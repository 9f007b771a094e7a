"""The accounts' key figures of a year, computed from the imported amounts for the whole
sector in one pass (`app.rules.formulas`) and stored as the key figure values of the dialogue
year that follows the accounting year, with that year's benchmarks computed from them
(`app.services.benchmark_computation`); the year's statuses are then derived again, since a
figure may have turned yellow or red."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Float, cast, delete, insert, select

from app.extensions import db
from app.models import AccountsAmount, KeyFigureValue
from app.rules.formulas import compute_key_figures
from app.services.benchmark_computation import compute_year_benchmarks, questionnaire_of_year

SOURCE = "accounts"


def compute_accounts_figures(accounting_year: int) -> int:
    """Replace the accounts' key figures of the dialogue year after `accounting_year`;
    returns how many values were written."""
    year = accounting_year + 1
    questionnaire = questionnaire_of_year(year)
    formulas = {k: d.formula for k, d in questionnaire.key_figures.items() if d.formula}
    rows = db.session.execute(
        select(
            AccountsAmount.organisation_id,
            AccountsAmount.estate_id,
            AccountsAmount.key,
            cast(AccountsAmount.value, Float),
        ).where(AccountsAmount.accounting_year == accounting_year)
    ).all()
    amounts = pd.DataFrame(rows, columns=["organisation_id", "estate_id", "key", "value"])
    amounts["estate_id"] = amounts["estate_id"].astype("float")
    figures = compute_key_figures(amounts, formulas)
    db.session.execute(
        delete(KeyFigureValue).where(
            KeyFigureValue.year == year, KeyFigureValue.key.in_(list(formulas))
        )
    )
    values = [
        {
            "year": year,
            "key": r.key,
            "organisation_id": int(r.organisation_id),
            "estate_id": None if pd.isna(r.estate_id) else int(r.estate_id),
            "value": round(float(r.value), 4),
            "source": SOURCE,
        }
        for r in figures.itertuples()
    ]
    for start in range(0, len(values), 5000):
        db.session.execute(insert(KeyFigureValue), values[start : start + 5000])
    compute_year_benchmarks(year, questionnaire)
    return len(values)
