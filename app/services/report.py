"""Data for a form's generated parts (the `computed` items of the questionnaire)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from app.extensions import db
from app.models import (
    AccountsFiling,
    Answer,
    ComplaintCaseCount,
    Estate,
    Form,
    KeyFigureValue,
    LettingToolUse,
    Municipality,
    MunicipalityFigure,
    Organisation,
    Region,
)
from app.questionnaires import Computed
from app.rules import report as rules
from app.rules.enums import EstateState
from app.services.forms import questionnaire_of
from app.services.key_figures import FigureCell, efficiency_averages, estate_flags

PART_A = ("a_challenges", "a_items")


def computed_parts(form: Form, items, figures: dict[str, FigureCell]):
    """{item key: data} for the given items' generated parts."""
    items = [i for i in items if isinstance(i, Computed)]
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
        self._flag_keys: tuple[str, ...] = ()

    # --- heads -----------------------------------------------------------------------------

    def organisation_master_data(self, item):
        organisation = db.session.get(Organisation, self.package.organisation_id)
        period = db.session.execute(
            select(AccountsFiling.period_start, AccountsFiling.period_end).where(
                AccountsFiling.organisation_id == organisation.id,
                AccountsFiling.accounting_year == self.package.accounting_year,
            )
        ).first()
        return {
            "number": organisation.number,
            "name": organisation.name,
            "kind": organisation.kind.label,
            "accounting_year": self.package.accounting_year,
            # the organisation's own period where the register gives it
            "period": tuple(period) if period and period[0] else None,
        }

    def estate_master_data(self, item):
        estate = self.form.estate
        return {
            "estate_number": estate.number,
            "estate_name": estate.name,
            "address": estate.address,
            "municipality": self.form.municipality.name,
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

    def estates(self, flag_keys: tuple[str, ...] = ()) -> list[rules.EstateFacts]:
        """The estates' facts; the critical flags of `flag_keys` only for the parts that show
        them."""
        if self._estates is None or not set(flag_keys) <= set(self._flag_keys):
            self._estates = _estate_facts(self.package, flag_keys)
            self._flag_keys = flag_keys
        return self._estates

    def estate_conclusions(self, item):
        return rules.estate_conclusions(self.estates())

    def critical_estates(self, item):
        return rules.critical_estates(self.estates(flag_keys=item.figures), item.figure_groups)

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
        table = {
            c: {"this": (0, 0), "last": (0, 0)} for c in ("total", *rules.COMPLAINT_CATEGORIES)
        }
        for row in rows:
            when = "this" if row.year == year else "last"
            table[row.category][when] = (row.decided, row.lost)
            decided, lost = table["total"][when]
            table["total"][when] = (decided + row.decided, lost + row.lost)
        return table


def _estate_facts(package, flag_keys: tuple[str, ...]) -> list[rules.EstateFacts]:
    """Everything the report needs of the package's estates, in a fixed number of queries."""
    estates = db.session.execute(
        select(
            Form.id.label("form_id"),
            Estate.id,
            Estate.number,
            Estate.name,
            Estate.state,
            Estate.family_dwellings,
            Form.municipality_id,
            Municipality.name.label("municipality"),
            Region.name.label("region"),
        )
        .join(Estate, Estate.id == Form.estate_id)
        .join(Municipality, Municipality.id == Form.municipality_id)
        .join(Region, Region.id == Municipality.region_id)
        .where(Form.package_id == package.id)
    ).all()
    if not estates:
        return []
    answers = defaultdict(dict)
    for form_id, key, value in db.session.execute(
        select(Answer.form_id, Answer.question_key, Answer.value)
        .join(Form, Form.id == Answer.form_id)
        .where(Form.package_id == package.id, Answer.question_key.in_(PART_A))
    ):
        answers[form_id][key] = value
    flags = {}
    if flag_keys:
        flags = estate_flags(
            questionnaire_of(package),
            list(flag_keys),
            package.organisation_id,
            package.year,
            [e.id for e in estates],
            as_of=package.benchmarks_as_of,
        )
    efficiency = _estate_values(package.organisation_id, package.year, "efficiency")
    employment = _estate_values(package.organisation_id, package.year, "employment_rate")
    tools = defaultdict(set)
    lettings = defaultdict(dict)
    for estate_id, tool, count in db.session.execute(
        select(LettingToolUse.estate_id, LettingToolUse.tool, LettingToolUse.lettings)
        .join(Estate, Estate.id == LettingToolUse.estate_id)
        .where(
            Estate.organisation_id == package.organisation_id, LettingToolUse.year == package.year
        )
    ):
        tools[estate_id].add(rules.LettingTool(tool))
        lettings[estate_id][rules.LettingTool(tool)] = count
    municipal_employment = {
        municipality_id: float(value)
        for municipality_id, value in db.session.execute(
            select(MunicipalityFigure.municipality_id, MunicipalityFigure.value).where(
                MunicipalityFigure.year == package.year,
                MunicipalityFigure.key == "employment_rate",
            )
        )
    }
    order = list(rules.LettingTool)
    return [
        rules.EstateFacts(
            number=e.number,
            name=e.name,
            municipality=e.municipality,
            region=e.region,
            family_dwellings=e.family_dwellings,
            in_operation=e.state == EstateState.IN_OPERATION,
            has_challenges=answers[e.form_id].get("a_challenges"),
            challenge_items=tuple(answers[e.form_id].get("a_items") or ()),
            flags=flags.get(e.id, {}),
            efficiency=efficiency.get(e.id),
            employment_rate=employment.get(e.id),
            municipality_employment_rate=municipal_employment.get(e.municipality_id),
            letting_tools=tuple(sorted(tools[e.id], key=order.index)),
            lettings=lettings[e.id],
        )
        for e in estates
    ]


def _estate_values(organisation_id, year, key) -> dict[int, float]:
    return {
        estate_id: float(value)
        for estate_id, value in db.session.execute(
            select(KeyFigureValue.estate_id, KeyFigureValue.value).where(
                KeyFigureValue.organisation_id == organisation_id,
                KeyFigureValue.estate_id.is_not(None),
                KeyFigureValue.year == year,
                KeyFigureValue.key == key,
            )
        )
        if value is not None
    }
