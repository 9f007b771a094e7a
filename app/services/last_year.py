"""Loading last year's answers into this year's forms (user guide 5.2.4)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import Answer, Package
from app.questionnaires import FormDefinition, KeyFigureTable
from app.rules.access import Actor
from app.rules.answers import is_answered
from app.rules.enums import N_
from app.rules.violations import Violation
from app.services import audit
from app.services.errors import Invalid, Locked
from app.services.reading import answers_of, definition_of, may_edit, now, visible_package
from app.services.statuses import (
    derive_form_statuses,
    derive_package_status,
    lock_forms,
    lock_package,
    set_form_status,
)


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


NOT_EDITABLE = N_("Du kan ikke redigere denne dokumentationspakke.")


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
        raise Locked(NOT_EDITABLE)
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
    # every target form's lock, then the package's, each read after it: savers of those
    # forms wait, and a package submitted meanwhile is refused (DESIGN.md section 3)
    lock_forms([f.id for f in targets])
    package = lock_package(package.id)
    if not may_edit(package, actor):
        db.session.rollback()
        raise Locked(NOT_EDITABLE)
    copied = kept = touched = 0
    for form in targets:
        db.session.refresh(form)
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
                current[key] = existing
            existing.value = old_answer.value
            existing.changed_at = now()
            existing.changed_by_id = actor.user_id
            copied += 1
            changed = True
        if changed:
            touched += 1
            values = {k: a.value for k, a in current.items()}
            set_form_status(form, derive_form_statuses(form, values)[0])
    if copied:
        derive_package_status(package)
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
