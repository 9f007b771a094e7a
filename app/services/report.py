"""Data for a form's generated parts (the `computed` items of the questionnaire)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import (
    Answer,
    ComplaintCaseCount,
    Estate,
    Form,
    LettingToolUse,
    Municipality,
    MunicipalityFigure,
    Organisation,
)
from app.questionnaires import Computed, FormDefinition
from app.rules import report as rules
from app.rules.enums import EstateState, Flag
from app.services.forms import questionnaire_of
from app.services.key_figures import FigureCell, efficiency_averages, figure_cells

COMPLAINT_CATEGORIES = ("utility_accounts", "move_out", "house_rules", "other")


def computed_parts(form: Form, definition: FormDefinition, figures: dict[str, FigureCell]):
    """{item key: data} for every computed item of the form."""
    items = [i for i in definition.items() if isinstance(i, Computed)]
    if not items:
        return {}
    context = _Context(form, figures)
    return {item.key: getattr(context, item.source)(item) for item in items}


class _Context:
    def __init__(self, form: Form, figures: dict[str, FigureCell]):
        self.form = form
        self.package = form.package
        self.figures = figures
        self._estates = None

    # --- heads -----------------------------------------------------------------------------

    def organisation_master_data(self, item):
        organisation = db.session.get(Organisation, self.package.organisation_id)
        return {
            "number": organisation.number,
            "name": organisation.name,
            "kind": organisation.kind.label,
            "period": f"1. januar – 31. december {self.package.accounting_year}",
            "home_municipality": organisation.home_municipality.name,
        }

    def estate_master_data(self, item):
        estate = self.form.estate
        return {
            "estate_number": estate.number,
            "estate_name": estate.name,
            "address": estate.address,
            "municipality": estate.municipality.name,
            "organisation": str(self.package.organisation),
            "dwellings": {
                "family": estate.family_dwellings,
                "elderly": estate.elderly_dwellings,
                "youth": estate.youth_dwellings,
            },
            "area_m2": estate.area_m2,
            "built_year": estate.built_year,
        }

    def estate_under_construction(self, item):
        return self.form.estate.state == EstateState.UNDER_CONSTRUCTION

    def rents(self, item):
        return [self.figures.get(key) for key in item.figures]

    # --- the report's parts from all the estates ----------------------------------------------

    def estates(self) -> list[rules.EstateFacts]:
        if self._estates is None:
            self._estates = _estate_facts(self.package)
        return self._estates

    def estate_conclusions(self, item):
        return rules.estate_conclusions(self.estates())

    def critical_estates(self, item):
        return rules.critical_estates(self.estates())

    def efficiency_distribution(self, item):
        return rules.efficiency_distribution(self.estates())

    def efficiency_table(self, item):
        municipalities, regions = efficiency_averages(self.package.year)
        return rules.efficiency_table(self.estates(), municipalities, regions)

    def letting_tools(self, item):
        return rules.letting_tools_by_municipality(self.estates())

    def family_dwellings(self, item):
        return rules.family_dwellings(self.estates())

    def complaint_cases(self, item):
        year = self.package.year
        rows = db.session.execute(
            select(ComplaintCaseCount).where(
                ComplaintCaseCount.organisation_id == self.package.organisation_id,
                ComplaintCaseCount.year.in_([year, year - 1]),
            )
        ).scalars()
        table = {c: {"this": (0, 0), "last": (0, 0)} for c in ("total", *COMPLAINT_CATEGORIES)}
        for row in rows:
            when = "this" if row.year == year else "last"
            table[row.category][when] = (row.decided, row.lost)
            decided, lost = table["total"][when]
            table["total"][when] = (decided + row.decided, lost + row.lost)
        return table


def _estate_facts(package) -> list[rules.EstateFacts]:
    """Everything the report needs of the package's estates, in a fixed number of queries."""
    forms = db.session.scalars(
        select(Form)
        .options(
            joinedload(Form.estate).joinedload(Estate.municipality).joinedload(Municipality.region)
        )
        .where(Form.package_id == package.id, Form.estate_id.is_not(None))
    ).all()
    if not forms:
        return []
    estate_ids = [f.estate_id for f in forms]
    answers = defaultdict(dict)
    for form_id, key, value in db.session.execute(
        select(Answer.form_id, Answer.question_key, Answer.value).where(
            Answer.form_id.in_([f.id for f in forms]),
            Answer.question_key.in_(["a_challenges", "a_items"]),
        )
    ):
        answers[form_id][key] = value
    questionnaire = questionnaire_of(package)
    flag_keys = [k for keys in rules.CRITICAL_GROUPS.values() for k in keys]
    cells = figure_cells(
        questionnaire,
        [*flag_keys, "employment_rate"],
        package.organisation_id,
        package.year,
        estate_ids,
    )
    efficiency = _estate_values(estate_ids, package.year, "efficiency")
    tools = defaultdict(list)
    for estate_id, tool in db.session.execute(
        select(LettingToolUse.estate_id, LettingToolUse.tool).where(
            LettingToolUse.estate_id.in_(estate_ids), LettingToolUse.year == package.year
        )
    ):
        tools[estate_id].append(rules.LettingTool(tool))
    municipal_employment = {
        municipality_id: float(value)
        for municipality_id, value in db.session.execute(
            select(MunicipalityFigure.municipality_id, MunicipalityFigure.value).where(
                MunicipalityFigure.year == package.year,
                MunicipalityFigure.key == "employment_rate",
            )
        )
    }
    facts = []
    for form in forms:
        estate = form.estate
        estate_cells = cells.get(estate.id, {})
        employment = estate_cells.get("employment_rate")
        facts.append(
            rules.EstateFacts(
                number=estate.number,
                name=estate.name,
                municipality=estate.municipality.name,
                region=estate.municipality.region.name,
                family_dwellings=estate.family_dwellings,
                in_operation=estate.state == EstateState.IN_OPERATION,
                has_challenges=answers[form.id].get("a_challenges"),
                challenge_items=tuple(answers[form.id].get("a_items") or ()),
                flags={
                    key: cell.result.flag
                    for key, cell in estate_cells.items()
                    if cell.result.flag != Flag.NONE
                },
                efficiency=efficiency.get(estate.id),
                employment_rate=employment.value if employment else None,
                municipality_employment_rate=municipal_employment.get(estate.municipality_id),
                letting_tools=tuple(sorted(set(tools[estate.id]), key=list(rules.LettingTool).index)),
            )
        )
    return facts


def _estate_values(estate_ids, year, key) -> dict[int, float]:
    from app.models import KeyFigureValue

    return {
        estate_id: float(value)
        for estate_id, value in db.session.execute(
            select(KeyFigureValue.estate_id, KeyFigureValue.value).where(
                KeyFigureValue.estate_id.in_(estate_ids),
                KeyFigureValue.year == year,
                KeyFigureValue.key == key,
            )
        )
        if value is not None
    }
