"""Filling in a package: reading a form, saving answers, deriving statuses, last year's answers.

The only code that changes a form's or a package's status.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import Answer, Estate, Form, Package
from app.questionnaires import FormDefinition, KeyFigureTable, Questionnaire, load
from app.rules.access import Actor
from app.rules.answers import check_answer, is_answered
from app.rules.enums import N_, FormKind, FormStatus, PackageStatus
from app.rules.progress import FormProgress, derived_package_status, form_progress
from app.rules.violations import Violation
from app.rules.workflow import TRANSITIONS, Relation, WorkflowError
from app.security import row_filter
from app.services import audit
from app.services.key_figures import FigureCell, estate_flags, figure_cells


class FormError(Exception):
    """A refused action; `status` is the HTTP status a view answers with."""

    status = 400

    def __init__(self, message: str, violations: tuple[Violation, ...] = (), **params):
        super().__init__(message)
        self.message = message
        self.violations = violations
        self.params = params


class NotFound(FormError):
    status = 404


class Locked(FormError):
    """The package is submitted: the server refuses every edit."""

    status = 409


class Invalid(FormError):
    status = 422


@dataclass(frozen=True)
class Conflict(Exception):
    """Someone else saved this answer first: the client must choose."""

    key: str
    value: object
    version: int
    changed_by: str | None
    changed_at: dt.datetime | None

    status = 409


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


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
        and actor.may_act_for(package.organisation_id)
        and not package.status.is_submitted
    )


def answers_of(form: Form) -> dict[str, Answer]:
    return {
        a.question_key: a
        for a in db.session.scalars(select(Answer).where(Answer.form_id == form.id))
    }


# --- key figures and progress ------------------------------------------------------------------


def form_figures(form: Form, definition: FormDefinition) -> dict[str, FigureCell]:
    keys = [row.figure for table in definition.key_figure_tables() for row in table.rows]
    for item in definition.items():
        keys.extend(getattr(item, "figures", ()) if item.kind == "computed" else ())
    package = form.package
    if form.estate_id is None:
        cells = figure_cells(questionnaire_of(package), keys, package.organisation_id, package.year)
        return cells.get(None, {})
    cells = figure_cells(
        questionnaire_of(package), keys, package.organisation_id, package.year, [form.estate_id]
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


def progress_of(
    form: Form, definition: FormDefinition, values: dict[str, object], figures
) -> FormProgress:
    state = form.estate.state.value if form.estate is not None else None
    return form_progress(definition, values, state, flagged_items(definition, figures))


def refresh_statuses(form: Form, values: dict[str, object] | None = None) -> FormProgress:
    """Derive the form's status from its answers, then the package's from its forms."""
    definition = definition_of(form)
    if values is None:
        values = {k: a.value for k, a in answers_of(form).items()}
    progress = progress_of(form, definition, values, form_figures(form, definition))
    _set_form_status(form, progress.status)
    refresh_package_status(form.package)
    return progress


def _set_form_status(form: Form, status: FormStatus) -> bool:
    """Assign a derived form status, audited; returns whether it changed."""
    if form.status == status:
        return False
    audit.record(
        "form_status",
        "Form",
        form.id,
        package_id=form.package_id,
        field="status",
        old=form.status.value,
        new=status.value,
    )
    form.status = status
    return True


def refresh_package_status(package: Package) -> PackageStatus:
    db.session.flush()
    statuses = list(db.session.scalars(select(Form.status).where(Form.package_id == package.id)))
    # a form is past NOT_STARTED exactly when it holds an answered question
    any_answer = any(s != FormStatus.NOT_STARTED for s in statuses)
    target = derived_package_status(package.status, statuses, any_answer)
    if target != package.status:
        _fire_derived(package, target)
    return package.status


def _fire_derived(package: Package, target: PackageStatus) -> None:
    """Move along a derived transition of the workflow table (start, complete, reopen)."""
    transition = next(
        (
            t
            for t in TRANSITIONS
            if package.status in t.sources and t.target == target and Relation.SYSTEM in t.fired_by
        ),
        None,
    )
    if transition is None:
        raise WorkflowError(f"no derived transition from {package.status} to {target}")
    audit.record(
        transition.name,
        "Package",
        package.id,
        package_id=package.id,
        field="status",
        old=package.status.value,
        new=target.value,
    )
    package.status = target


def refresh_year_statuses(year: int) -> int:
    """Derive again the status of every form and package of a year that is not yet submitted,
    after a change to the year's thresholds or benchmarks; returns the forms whose status
    changed. Each package costs a fixed number of queries, whatever its size."""
    changed = 0
    package_ids = db.session.scalars(
        select(Package.id).where(
            Package.year == year,
            Package.status.in_(
                [PackageStatus.READY, PackageStatus.IN_PROGRESS, PackageStatus.COMPLETE]
            ),
        )
    ).all()
    for package_id in package_ids:
        changed += _refresh_package_forms(db.session.get(Package, package_id))
        db.session.commit()
    return changed


def _refresh_package_forms(package: Package) -> int:
    questionnaire = questionnaire_of(package)
    values: dict[int, dict[str, object]] = defaultdict(dict)
    for form_id, key, value in db.session.execute(
        select(Answer.form_id, Answer.question_key, Answer.value)
        .join(Form, Form.id == Answer.form_id)
        .where(Form.package_id == package.id)
    ):
        values[form_id][key] = value
    estate_forms = [f for f in package.forms if f.estate_id is not None]
    estate_flagged: dict[int, frozenset[str]] = {}
    if estate_forms:
        definition = questionnaire.form(FormKind.ESTATE_FORM.value)
        tables = definition.key_figure_tables()
        flags = estate_flags(
            questionnaire,
            [row.figure for table in tables for row in table.rows],
            package.organisation_id,
            package.year,
            [f.estate_id for f in estate_forms],
        )
        for form in estate_forms:
            flagged = flags.get(form.estate_id, {})
            estate_flagged[form.id] = frozenset(
                t.key for t in tables if any(row.figure in flagged for row in t.rows)
            )
    changed = 0
    for form in package.forms:
        definition = questionnaire.form(form.kind.value)
        if form.estate_id is None:
            flagged = flagged_items(definition, form_figures(form, definition))
            state = None
        else:
            flagged = estate_flagged[form.id]
            state = form.estate.state.value
        status = form_progress(definition, values[form.id], state, flagged).status
        changed += _set_form_status(form, status)
    if changed:
        refresh_package_status(package)
    return changed


# --- saving ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    key: str
    value: object
    version: int
    saved_at: dt.datetime
    form_status: FormStatus
    package_status: PackageStatus
    sections: dict[str, FormStatus] = field(default_factory=dict)


def save_answer(
    form_id: int,
    key: str,
    value: object,
    base_version: int,
    request_id: str | None,
    actor: Actor,
) -> Saved:
    """Save one answer: validated, never overwriting a newer version, applied once per
    request id, refused after submission; statuses follow in the same transaction."""
    form = visible_form(form_id, actor)
    package = form.package
    if package.status.is_submitted:
        raise Locked(N_("Dokumentationspakken er fremsendt og kan ikke længere ændres."))
    if not may_edit(package, actor):
        raise Locked(N_("Du kan ikke redigere denne dokumentationspakke."))
    definition = definition_of(form)
    checked = check_answer(definition, key, value)
    if not checked.ok:
        raise Invalid(
            checked.violations[0].message, checked.violations, **checked.violations[0].params_dict()
        )

    answer = db.session.scalar(
        select(Answer).where(Answer.form_id == form.id, Answer.question_key == key)
    )
    if answer is None and checked.value is None and base_version == 0:
        # an empty answer where there was none: nothing to save, the work has not started
        return Saved(key, None, 0, _now(), form.status, package.status)
    if answer is not None and request_id and answer.last_request_id == request_id:
        return _saved(form, answer)  # a retried save: already applied
    current_version = answer.version if answer is not None else 0
    if base_version != current_version:
        raise _conflict(key, answer)

    old = answer.value if answer is not None else None
    now = _now()
    if answer is None:
        answer = Answer(form_id=form.id, question_key=key)
        db.session.add(answer)
    answer.value = checked.value
    answer.changed_at = now
    answer.changed_by_id = actor.user_id
    answer.last_request_id = request_id
    package.changed_at = now
    try:
        db.session.flush()
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        raise _conflict(
            key,
            db.session.scalar(
                select(Answer).where(Answer.form_id == form_id, Answer.question_key == key)
            ),
        ) from None
    audit.record(
        "answer",
        "Answer",
        answer.id,
        package_id=package.id,
        field=f"{form.id}:{key}",
        old=old,
        new=checked.value,
        user_id=actor.user_id,
    )
    progress = refresh_statuses(form)
    saved = _saved(form, answer, progress)  # read before the commit expires the objects
    db.session.commit()
    return saved


def _conflict(key: str, answer: Answer | None) -> Conflict:
    if answer is None:
        return Conflict(key, None, 0, None, None)
    changed_by = answer.changed_by.get_full_name() if answer.changed_by else None
    return Conflict(key, answer.value, answer.version, changed_by, answer.changed_at)


def _saved(form: Form, answer: Answer, progress: FormProgress | None = None) -> Saved:
    sections = {s.key: s.status for s in progress.sections} if progress else {}
    return Saved(
        answer.question_key,
        answer.value,
        answer.version,
        answer.changed_at,
        form.status,
        form.package.status,
        sections,
    )


# --- last year's answers (user guide 5.2.4) -----------------------------------------------------


@dataclass(frozen=True)
class LastYearResult:
    forms: int
    answers_copied: int
    answers_kept: int


def previous_package(package: Package) -> Package | None:
    return db.session.scalar(
        select(Package).where(
            Package.organisation_id == package.organisation_id, Package.year == package.year - 1
        )
    )


def last_year_refusal(package: Package) -> Violation | None:
    """Why last year's answers cannot be loaded, or None when they can: only answers given
    in the same questionnaire version are loaded."""
    previous = previous_package(package)
    if previous is None:
        return Violation("no_previous", N_("Der findes ingen dokumentationspakke fra sidste år."))
    if previous.questionnaire_version != package.questionnaire_version:
        return Violation(
            "other_version",
            N_(
                "Sidste års svar er givet i en anden version af skemaerne (%(old)s) end i år "
                "(%(new)s) og kan derfor ikke indlæses."
            ),
            params=(
                ("old", previous.questionnaire_version),
                ("new", package.questionnaire_version),
            ),
        )
    return None


def _copyable_keys(definition: FormDefinition) -> set[str]:
    """Questions whose answers carry over; comments on key figures belong to the year."""
    figure_comments = {
        item.comment.key
        for item in definition.items()
        if isinstance(item, KeyFigureTable) and item.comment is not None
    }
    return {q.key for q in definition.questions()} - figure_comments


def load_last_year(
    package_id: int,
    actor: Actor,
    *,
    report: bool,
    estate_ids: set[int] | None,
    overwrite: bool,
) -> LastYearResult:
    """Copy last year's answers into the chosen forms (the report, all estates when
    `estate_ids` is None, or the chosen estates). Answers given this year stay unless
    `overwrite`; key figures are never copied."""
    package = visible_package(package_id, actor)
    if not may_edit(package, actor):
        raise Locked(N_("Du kan ikke redigere denne dokumentationspakke."))
    refusal = last_year_refusal(package)
    if refusal:
        raise Invalid(refusal.message, (refusal,), **refusal.params_dict())
    previous = previous_package(package)
    old_forms = {(f.kind, f.estate_id): f for f in previous.forms}
    targets = [
        f
        for f in package.forms
        if (f.estate_id is None and report)
        or (f.estate_id is not None and (estate_ids is None or f.estate_id in estate_ids))
    ]
    copied = kept = touched = 0
    for form in targets:
        old = old_forms.get((form.kind, form.estate_id))
        if old is None:
            continue
        copyable = _copyable_keys(definition_of(form))
        current = answers_of(form)
        changed = False
        for key, old_answer in answers_of(old).items():
            if key not in copyable or not is_answered(old_answer.value):
                continue
            existing = current.get(key)
            if existing is not None and is_answered(existing.value) and not overwrite:
                kept += 1
                continue
            if existing is None:
                existing = Answer(form_id=form.id, question_key=key)
                db.session.add(existing)
            existing.value = old_answer.value
            existing.changed_at = _now()
            existing.changed_by_id = actor.user_id
            copied += 1
            changed = True
        if changed:
            touched += 1
            db.session.flush()
            refresh_statuses(form)
    if copied:
        package.changed_at = _now()
        audit.record(
            "load_last_year",
            "Package",
            package.id,
            package_id=package.id,
            new=f"{copied} svar i {touched} skemaer",
            user_id=actor.user_id,
        )
    db.session.commit()
    return LastYearResult(touched, copied, kept)


def _flush_or_conflict() -> None:
    try:
        db.session.flush()
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        raise Locked(
            N_("Et svar blev gemt samtidig af en anden. Indlæs sidste års svar igen.")
        ) from None


# --- reading a package -------------------------------------------------------------------------


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
