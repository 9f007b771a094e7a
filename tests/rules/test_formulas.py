"""Key figures from the accounts' amounts, worked out by hand."""

import pandas as pd
import pytest

from app.questionnaires import Formula, load
from app.rules.formulas import compute_key_figures
from app.rules.key_figures import ACCOUNTS_FIGURES

NAN = float("nan")
FORMULAS = {
    "admin_contribution_per_unit": Formula("administrationsbidrag", "lejemaalsenheder"),
    "building_fee_new_share": Formula(
        "byggesagshonorar_nybyggeri", "anskaffelsessum_nybyggeri", 100
    ),
    "maintenance_provision_annual_per_m2": Formula("henlaeggelser_aar", "bruttoetageareal"),
}


def amounts(rows):
    return pd.DataFrame(rows, columns=["organisation_id", "estate_id", "key", "value"])


def as_dict(frame):
    return {
        (int(r.organisation_id), None if pd.isna(r.estate_id) else int(r.estate_id), r.key): round(
            float(r.value), 4
        )
        for r in frame.itertuples()
    }


def test_each_formula_is_applied_to_every_subject_with_its_amounts():
    frame = amounts(
        [
            # organisation 1: 5,250,000 kr. over 1,500 units = 3,500 kr. per unit;
            # 1,200,000 kr. fee of a 40,000,000 kr. acquisition = 3 %
            (1, NAN, "administrationsbidrag", 5_250_000),
            (1, NAN, "lejemaalsenheder", 1_500),
            (1, NAN, "byggesagshonorar_nybyggeri", 1_200_000),
            (1, NAN, "anskaffelsessum_nybyggeri", 40_000_000),
            # its estate 11: 310,000 kr. provisions over 2,480 m² = 125 kr. per m²
            (1, 11, "henlaeggelser_aar", 310_000),
            (1, 11, "bruttoetageareal", 2_480),
            # organisation 2: 3,000,000 kr. over 1,200 units = 2,500; it built nothing new
            (2, NAN, "administrationsbidrag", 3_000_000),
            (2, NAN, "lejemaalsenheder", 1_200),
        ]
    )
    assert as_dict(compute_key_figures(frame, FORMULAS)) == {
        (1, None, "admin_contribution_per_unit"): 3500.0,
        (1, None, "building_fee_new_share"): 3.0,
        (1, 11, "maintenance_provision_annual_per_m2"): 125.0,
        (2, None, "admin_contribution_per_unit"): 2500.0,
    }


@pytest.mark.parametrize("denominator", [0, -5, NAN])
def test_no_value_where_the_denominator_is_not_positive(denominator):
    frame = amounts(
        [(1, NAN, "administrationsbidrag", 100.0), (1, NAN, "lejemaalsenheder", denominator)]
    )
    assert compute_key_figures(frame, FORMULAS).empty


def test_a_missing_numerator_gives_no_value_and_no_amounts_give_nothing():
    frame = amounts([(1, NAN, "lejemaalsenheder", 10)])
    assert compute_key_figures(frame, FORMULAS).empty
    assert compute_key_figures(amounts([]), FORMULAS).empty


def test_the_figures_from_the_accounts_are_exactly_those_with_a_formula():
    questionnaire = load("2026.1")
    with_formula = {k for k, d in questionnaire.key_figures.items() if d.formula}
    assert with_formula == ACCOUNTS_FIGURES
    assert questionnaire.key_figures["building_fee_new_share"].formula.factor == 100.0


def test_every_amount_a_formula_may_name_is_a_column_of_the_accounts_register():
    from app.questionnaires import ACCOUNT_AMOUNTS
    from app.rules.registers import ACCOUNTS_AMOUNTS

    columns = [c.name for c in ACCOUNTS_AMOUNTS.columns]
    assert columns[:3] == ["organisation", "afdeling", "regnskabsaar"]
    assert columns[3:] == list(ACCOUNT_AMOUNTS)
