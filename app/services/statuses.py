"""Deriving form and package status: the only code that assigns them (DESIGN.md section 3).

Locks (the decision is made on a read taken after the lock):
- a form's status is derived under that form's row lock (`lock_form`); every writer of a
  form's answers takes it first;
- a package's status is derived under the package's row lock (`lock_package`), taken only
  when a form's status changed, from the form statuses read after it. Whoever takes the
  package lock last sees every committed form status, so the package ends up derived from
  its forms' stored statuses. Savers whose form status stays put never touch the package row
  and do not queue on each other.
- order: form rows (by id) before the package row, so two writers never wait on each other
  in a circle.

`Package.changed_at` is the time the package last changed state: its own status or one of its
forms' statuses (and the package's own fields, edited elsewhere). It is written only under
the package lock, never on every saved answer.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from app.extensions import db
from app.models import Answer, Form, Package
from app.rules.access import Actor
from app.rules.enums import N_, FormKind, FormStatus, PackageStatus
from app.rules.progress import (
    FormProgress,
    derived_package_status,
    form_progress,
    statuses_whatever_the_flags,
)
from app.rules.workflow import TRANSITIONS, Relation, WorkflowError
from app.security import row_filter
from app.services import audit
from app.services.errors import NotFound
from app.services.key_figures import estate_flags
from app.services.reading import (
    answers_of,
    definition_of,
    estate_state,
    flagged_items,
    form_figures,
    now,
    progress_of,
    questionnaire_of,
)


def lock_form(form_id: int, actor: Actor) -> Form:
    """Take the row lock of a form the actor may see, then read it, its package and its estate
    after the lock (a read in the locking statement itself could hold a package row older than
    the lock)."""
    locked = db.session.scalar(
        select(Form.id)
        .where(Form.id == form_id, row_filter(Form, actor))
        .with_for_update(of=Form, key_share=True)
    )
    if locked is None:
        raise NotFound(N_("Skemaet findes ikke."))
    return db.session.scalar(
        select(Form).where(Form.id == form_id).execution_options(populate_existing=True)
    )


def lock_forms(form_ids: list[int]) -> None:
    """Row locks of several forms, in id order (the order every writer takes them in)."""
    if form_ids:
        db.session.execute(
            select(Form.id)
            .where(Form.id.in_(form_ids))
            .order_by(Form.id)
            .with_for_update(key_share=True)
        )


def lock_package(package_id: int) -> Package:
    """The package's row lock, and the package as stored after it."""
    return db.session.scalar(
        select(Package)
        .where(Package.id == package_id)
        .with_for_update(of=Package, key_share=True)
        .execution_options(populate_existing=True)
    )


def derive_form_statuses(
    form: Form, values: dict[str, object]
) -> tuple[FormStatus, dict[str, FormStatus]]:
    """The form's and its sections' statuses from its answers; the key figures are read only
    when a yellow or red figure could change them."""
    definition = definition_of(form)
    statuses = statuses_whatever_the_flags(definition, values, estate_state(form))
    if statuses is not None:
        return statuses
    progress = progress_of(form, definition, values, form_figures(form, definition))
    return progress.status, {s.key: s.status for s in progress.sections}


def set_form_status(form: Form, status: FormStatus) -> bool:
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


def refresh_statuses(form: Form, values: dict[str, object] | None = None) -> FormProgress:
    """Derive the form's status from its answers, then the package's from its forms. The
    caller holds the form's lock."""
    definition = definition_of(form)
    if values is None:
        values = {k: a.value for k, a in answers_of(form).items()}
    progress = progress_of(form, definition, values, form_figures(form, definition))
    set_form_status(form, progress.status)
    refresh_package_status(form.package)
    return progress


def refresh_package_status(package: Package) -> PackageStatus:
    """Derive the package's status under its lock from its forms' statuses read after it."""
    return derive_package_status(lock_package(package.id))  # flushes the form statuses first


def derive_package_status(package: Package) -> PackageStatus:
    """Derive the status of a package whose lock the caller holds and read after taking it."""
    statuses = list(db.session.scalars(select(Form.status).where(Form.package_id == package.id)))
    # a form is past NOT_STARTED exactly when it holds an answered question
    any_answer = any(s != FormStatus.NOT_STARTED for s in statuses)
    target = derived_package_status(package.status, statuses, any_answer)
    if target != package.status:
        fire_derived(package, target)
    # called when a form's status changed: the package's state changed with it
    package.changed_at = now()
    return package.status


def fire_derived(package: Package, target: PackageStatus) -> None:
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


# --- the year's refresh after new thresholds or benchmarks -------------------------------------

# a package not yet submitted: its status follows its forms, and benchmarks may still change
DERIVED_STATUSES = (PackageStatus.READY, PackageStatus.IN_PROGRESS, PackageStatus.COMPLETE)
_DERIVED = DERIVED_STATUSES


def refresh_year_statuses(year: int) -> int:
    """Derive again the status of every form and package of a year that is not yet submitted,
    after a change to the year's thresholds or benchmarks; returns the forms whose status
    changed. Each package costs a fixed number of queries, whatever its size."""
    changed = 0
    package_ids = db.session.scalars(
        select(Package.id).where(Package.year == year, Package.status.in_(_DERIVED))
    ).all()
    for package_id in package_ids:
        changed += refresh_package_forms(package_id)
        db.session.commit()
    return changed


def refresh_package_forms(package_id: int) -> int:
    # the forms' locks first, then the package read after them: a package submitted meanwhile
    # is no longer derived (DESIGN.md section 4)
    lock_forms(list(db.session.scalars(select(Form.id).where(Form.package_id == package_id))))
    package = db.session.scalar(
        select(Package).where(Package.id == package_id).execution_options(populate_existing=True)
    )
    if package.status not in _DERIVED:
        return 0
    forms = list(
        db.session.scalars(
            select(Form)
            .where(Form.package_id == package_id)
            .execution_options(populate_existing=True)
        )
    )
    progress = fresh_progress(package, forms)
    changed = 0
    for form in forms:
        changed += set_form_status(form, progress[form.id].status)
    if changed:
        refresh_package_status(package)
    return changed


def fresh_progress(package: Package, forms: list[Form]) -> dict[int, FormProgress]:
    """Every form's progress derived afresh from its answers and the year's key figures, with
    a fixed number of queries whatever the package's size."""
    questionnaire = questionnaire_of(package)
    values: dict[int, dict[str, object]] = defaultdict(dict)
    for form_id, key, value in db.session.execute(
        select(Answer.form_id, Answer.question_key, Answer.value)
        .join(Form, Form.id == Answer.form_id)
        .where(Form.package_id == package.id)
    ):
        values[form_id][key] = value
    estate_forms = [f for f in forms if f.estate_id is not None]
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
            as_of=package.benchmarks_as_of,
        )
        for form in estate_forms:
            flagged = flags.get(form.estate_id, {})
            estate_flagged[form.id] = frozenset(
                t.key for t in tables if any(row.figure in flagged for row in t.rows)
            )
    progress = {}
    for form in forms:
        definition = questionnaire.form(form.kind.value)
        if form.estate_id is None:
            flagged = flagged_items(definition, form_figures(form, definition))
        else:
            flagged = estate_flagged[form.id]
        progress[form.id] = form_progress(definition, values[form.id], estate_state(form), flagged)
    return progress
