"""Reading a package and its forms as an actor may see them: forms, answers, key figures and
progress. Changes nothing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Answer, Estate, Form, Package
from app.questionnaires import FormDefinition, Questionnaire, load
from app.rules.access import Actor
from app.rules.enums import N_
from app.rules.progress import FormProgress, form_progress
from app.security import row_filter
from app.services.errors import NotFound
from app.services.key_figures import FigureCell, figure_cells


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def copenhagen_date(stored: dt.datetime) -> dt.date:
    """The Danish calendar day of a stored (naive UTC) time."""
    return stored.replace(tzinfo=dt.UTC).astimezone(COPENHAGEN).date()


def copenhagen_today() -> dt.date:
    return dt.datetime.now(COPENHAGEN).date()


def questionnaire_of(package: Package) -> Questionnaire:
    return load(package.questionnaire_version)


def definition_of(form: Form) -> FormDefinition:
    return questionnaire_of(form.package).form(form.kind.value)


def visible_form(form_id: int, actor: Actor) -> Form:
    form = db.session.scalar(
        # the form's package, organisation and estate come with it (the models load them joined)
        select(Form).where(Form.id == form_id, row_filter(Form, actor))
    )
    if form is None:
        raise NotFound(N_("Skemaet findes ikke."))
    return form


def visible_package(package_id: int, actor: Actor) -> Package:
    package = db.session.scalar(
        select(Package).where(Package.id == package_id, row_filter(Package, actor))
    )
    if package is None:
        raise NotFound(N_("Dokumentationspakken findes ikke."))
    return package


def may_edit(package: Package, actor: Actor) -> bool:
    """Only the organisation (or one administering it) edits, and only until submission."""
    return (
        actor.is_organisation
        and actor.may_act_for_package(package.organisation_id, package.administered_by_id)
        and not package.status.is_submitted
    )


def answers_of(form: Form) -> dict[str, Answer]:
    return {
        a.question_key: a
        for a in db.session.scalars(select(Answer).where(Answer.form_id == form.id))
    }


def form_figures(form: Form, definition: FormDefinition) -> dict[str, FigureCell]:
    keys = [row.figure for table in definition.key_figure_tables() for row in table.rows]
    for item in definition.items():
        keys.extend(getattr(item, "figures", ()) if item.kind == "computed" else ())
    package = form.package
    cells = figure_cells(
        questionnaire_of(package),
        keys,
        package.organisation_id,
        package.year,
        None if form.estate_id is None else [form.estate_id],
        as_of=package.benchmarks_as_of,
    )
    return cells.get(form.estate_id, {})


def flagged_items(definition: FormDefinition, figures: dict[str, FigureCell]) -> frozenset[str]:
    """Tables holding a yellow or red figure: their comment becomes required."""
    return frozenset(
        table.key
        for table in definition.key_figure_tables()
        if any(
            figures.get(row.figure) and figures[row.figure].result.critical for row in table.rows
        )
    )


def estate_state(form: Form) -> str | None:
    return form.estate.state.value if form.estate is not None else None


def progress_of(
    form: Form, definition: FormDefinition, values: dict[str, object], figures
) -> FormProgress:
    return form_progress(definition, values, estate_state(form), flagged_items(definition, figures))


def package_forms(package: Package, actor: Actor) -> list[Form]:
    """The package's forms the actor may see (a location municipality: report + its estates)."""
    return list(
        db.session.scalars(
            select(Form)
            .options(joinedload(Form.estate).joinedload(Estate.municipality))
            .where(Form.package_id == package.id, row_filter(Form, actor))
            .order_by(Form.sort_key, Form.id)
        )
    )


def report_form(package: Package) -> Form | None:
    return db.session.scalar(
        select(Form).where(Form.package_id == package.id, Form.estate_id.is_(None))
    )
