"""Saving one answer (autosave): validated, never overwriting a newer version, applied once per
request id, refused after submission; the form's status, and the package's when the form's
changed, follow in the same transaction.

Per keystroke: the form's row lock and a read after it, the form's answers, the write and its
audit entry. The key figures are read only when a flag could change the form's status, and
the package row only when the form's status changed (see `app.services.statuses`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models import Answer, Form
from app.rules.access import Actor
from app.rules.answers import check_answer
from app.rules.enums import N_, FormStatus, PackageStatus
from app.services import audit
from app.services.errors import Conflict, Invalid, Locked
from app.services.reading import definition_of, may_edit, now
from app.services.statuses import (
    derive_form_statuses,
    derive_package_status,
    lock_form,
    lock_package,
    set_form_status,
)

SUBMITTED = N_("Dokumentationspakken er fremsendt og kan ikke længere ændres.")


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
    """Save one answer and derive the statuses that follow from it, all decided under the
    form's row lock: a concurrent save of the same form waits, then reads what this one
    wrote (a copy of the same request then finds it applied)."""
    form = lock_form(form_id, actor)
    package = form.package
    if package.status.is_submitted:
        raise Locked(SUBMITTED)
    if not may_edit(package, actor):
        raise Locked(N_("Du kan ikke redigere denne dokumentationspakke."))
    definition = definition_of(form)
    checked = check_answer(definition, key, value)
    if not checked.ok:
        raise Invalid(
            checked.violations[0].message, checked.violations, **checked.violations[0].params_dict()
        )

    answers = {
        a.question_key: a
        for a in db.session.scalars(
            select(Answer)
            .where(Answer.form_id == form.id)
            .execution_options(populate_existing=True)
        )
    }
    answer = answers.get(key)
    if answer is None and checked.value is None and base_version == 0:
        # an empty answer where there was none: nothing to save, the work has not started
        return _done(Saved(key, None, 0, now(), form.status, package.status))
    values = {k: a.value for k, a in answers.items()}
    if answer is not None and request_id and answer.last_request_id == request_id:
        # a copy of a save already applied (a retry, or one sent at once): its result again
        return _done(_saved(form, answer, derive_form_statuses(form, values)[1]))
    current_version = answer.version if answer is not None else 0
    if base_version != current_version:
        raise _conflict(key, answer)

    old = answer.value if answer is not None else None
    if answer is None:
        answer = Answer(form_id=form.id, question_key=key)
        db.session.add(answer)
    answer.value = checked.value
    answer.changed_at = now()
    answer.changed_by_id = actor.user_id
    answer.last_request_id = request_id
    try:
        db.session.flush()
    except (IntegrityError, StaleDataError):
        # another writer got there first (SQLite has no row locks; on PostgreSQL a writer
        # that does not take the form's lock)
        db.session.rollback()
        winner = db.session.scalar(
            select(Answer).where(Answer.form_id == form_id, Answer.question_key == key)
        )
        if winner is not None and request_id and winner.last_request_id == request_id:
            # it was a copy of this very request: answer with its result, as a retry would
            return save_answer(form_id, key, value, base_version, request_id, actor)
        raise _conflict(key, winner) from None
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
    values[key] = checked.value
    status, sections = derive_form_statuses(form, values)
    if set_form_status(form, status):
        _derive_package(form)
    saved = _saved(form, answer, sections)  # read before the commit expires the objects
    db.session.commit()
    return saved


def _derive_package(form: Form) -> None:
    """The form's status changed: derive the package's under its lock, refused if the
    package was submitted while this save waited."""
    package = lock_package(form.package_id)
    if package.status.is_submitted:
        db.session.rollback()
        raise Locked(SUBMITTED)
    derive_package_status(package)


def _done(saved: Saved) -> Saved:
    """Nothing written: end the transaction, releasing the form's lock."""
    db.session.rollback()
    return saved


def _conflict(key: str, answer: Answer | None) -> Conflict:
    if answer is None:
        return Conflict(key, None, 0, None, None)
    changed_by = answer.changed_by.get_full_name() if answer.changed_by else None
    return Conflict(key, answer.value, answer.version, changed_by, answer.changed_at)


def _saved(form: Form, answer: Answer, sections: dict[str, FormStatus] | None = None) -> Saved:
    return Saved(
        answer.question_key,
        answer.value,
        answer.version,
        answer.changed_at,
        form.status,
        form.package.status,
        dict(sections or {}),
    )
