"""What changed in a package since the municipality sent it back, read from the audit trail
as people read it: the form, the question's text, option labels instead of keys, lists as
lists, old and new value."""

from __future__ import annotations

import ast
import datetime as dt
import functools
from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Form, Package
from app.rules.enums import N_
from app.services.reading import questionnaire_of

CHANGE_ACTIONS = ("answer", "attachment_added", "attachment_removed")


@dataclass(frozen=True)
class Change:
    at: dt.datetime
    user: str | None
    what: str  # the form and question, or "Vedhæftede dokumenter"
    old: str
    new: str


def changes_since_return(package: Package, visible_forms: list[Form]) -> list[Change]:
    """The changes made between the latest return and the resubmission, in the forms the
    reader may see (a location municipality: the report and its own estates); none while the
    package has not been returned and sent again."""
    if not package.returns or not package.status.is_submitted:
        return []
    since = package.returns[-1].returned_at
    entries = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.package_id == package.id,
            AuditEntry.at >= since,
            AuditEntry.action.in_(CHANGE_ACTIONS),
        )
        .order_by(AuditEntry.at, AuditEntry.id)
    ).all()
    forms = {f.id: f for f in visible_forms}
    questionnaire = questionnaire_of(package)
    changes = []
    for entry in entries:
        user = entry.user.get_full_name() if entry.user else None
        if entry.action != "answer":
            changes.append(
                Change(
                    entry.at,
                    user,
                    "Vedhæftede dokumenter",
                    entry.old_value or "",
                    entry.new_value or "",
                )
            )
            continue
        form_id, _, key = (entry.field or "").partition(":")
        form = forms.get(int(form_id)) if form_id.isdigit() else None
        if form is None:
            continue  # a form this reader does not see
        try:
            question = questionnaire.form(form.kind.value).question(key)
            what = f"{form.title}: {question.label}"
            labels = {o.value: o.label for o in question.options}
        except KeyError:
            what = f"{form.title}: {key}"
            labels = {}
        changes.append(
            Change(
                entry.at,
                user,
                what,
                value_text(entry.old_value, labels),
                value_text(entry.new_value, labels),
            )
        )
    return changes


# --- the log in words ------------------------------------------------------------------------


def question_title(field: str) -> str | None:
    """An answer's audited field (`<form id>:<question key>`) as the form and question text;
    None when the field is not an answer's."""
    form_id, sep, key = field.partition(":")
    if not sep or not form_id.isdigit():
        return None
    form = db.session.get(Form, int(form_id))
    if form is None:
        return key
    try:
        label = questionnaire_of(form.package).form(form.kind.value).question(key).label
    except KeyError:
        label = key
    return f"{form.title}: {label}"


@functools.cache
def option_labels(version: str) -> dict[str, str]:
    """Every option's label in a questionnaire version, by the option's stored value."""
    from app.questionnaires import load

    labels = {}
    for kind in ("HOUSING_REPORT", "ADMIN_REPORT", "ESTATE_FORM"):
        try:
            definition = load(version).form(kind)
        except KeyError:
            continue
        for question in definition.questions():
            labels.update({o.value: o.label for o in question.options})
    return labels


def value_text(stored: str | None, labels: dict[str, str]) -> str:
    """An audited answer as the form shows it: option labels, Ja/Nej, lists as lists."""
    if stored is None or stored == "":
        return ""
    try:
        value = ast.literal_eval(stored)
    except (ValueError, SyntaxError):
        value = stored
    values = value if isinstance(value, list) else [value]
    shown = []
    for item in values:
        if isinstance(item, bool):
            shown.append(N_("Ja") if item else N_("Nej"))
        else:
            shown.append(labels.get(str(item), str(item)))
    return "; ".join(shown)
