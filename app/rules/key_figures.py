"""Which key figures come from the accounts, and how their thresholds are chosen."""

from app.questionnaires import KeyFigureDefinition
from app.rules.flags import CriticalRule

# figures computed from the accounts reported to LBF: no filing, no value (user guide 5.2.3)
ACCOUNTS_FIGURES = frozenset(
    {
        "admin_contribution_per_unit",
        "building_fee_new_share",
        "building_fee_renovation_share",
        "disposition_fund_per_unit",
        "working_capital_per_unit",
        "maintenance_provision_annual_per_lease",
        "maintenance_provision_annual_per_m2",
        "maintenance_provision_accumulated_per_lease",
        "maintenance_provision_accumulated_per_m2",
    }
)


def rule_for(
    definition: KeyFigureDefinition, override: tuple[str, float, float] | None
) -> CriticalRule | None:
    """LBF's threshold for the year when there is one, else the questionnaire's default; a
    figure without a critical rule in the questionnaire is never flagged."""
    if not definition.has_critical_rule:
        return None
    if override is not None:
        direction, yellow, red = override
        return CriticalRule(direction, float(yellow), float(red))
    return CriticalRule(definition.direction, float(definition.yellow), float(definition.red))
