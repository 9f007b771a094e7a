"""The guide's account of the key figures (user guide 5.1 b, "notat om nøgletal og
benchmarks"): for the newest dialogue year, each key figure with its unit and the deviation
from the benchmark at which it turns yellow or red, as LBF has set it for that year."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import Package
from app.questionnaires import load
from app.rules.key_figures import ACCOUNTS_FIGURES, rule_for
from app.services.key_figures import thresholds


@dataclass(frozen=True)
class GuideFigure:
    key: str
    label: str
    unit: str
    help: str | None
    from_accounts: bool
    direction: str | None  # None: the figure is shown, never flagged
    yellow: float | None
    red: float | None


def key_figure_guide() -> tuple[int | None, list[GuideFigure]]:
    """The newest dialogue year and its key figures in the questionnaire's order; no year
    yet, no figures. The year and its rules are the same for everyone: no row filter."""
    newest = db.session.execute(
        select(Package.year, Package.questionnaire_version).order_by(Package.year.desc()).limit(1)
    ).first()
    if newest is None:
        return None, []
    questionnaire = load(newest.questionnaire_version)
    overrides = thresholds(newest.year, questionnaire.key_figures)
    figures = []
    for key, definition in questionnaire.key_figures.items():
        rule = rule_for(definition, overrides.get(key))
        figures.append(
            GuideFigure(
                key=key,
                label=definition.label,
                unit=definition.unit,
                help=definition.help,
                from_accounts=key in ACCOUNTS_FIGURES,
                direction=rule.direction if rule else None,
                yellow=rule.yellow if rule else None,
                red=rule.red if rule else None,
            )
        )
    return newest.year, figures
