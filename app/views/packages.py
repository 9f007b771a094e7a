"""Package and form lists: every role sees the packages it may follow, filtered by row."""

import datetime as dt

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.models import AuditEntry, Form, Package
from app.rules.deadlines import check_deadline as rules_check_deadline
from app.rules.enums import N_, FormStatus, PackageStatus
from app.services.audit import ACTION_LABELS, ENTITY_LABELS
from app.views.base import CheckedWrites, ScopedModelView

PACKAGE_LABELS = {
    "year": _l("År"),
    "organisation": _l("Organisation"),
    "status": _l("Status"),
    "deadline": _l("Frist"),
    "changed_at": _l("Seneste ændring"),
    "created_at": _l("Oprettet"),
    "submitted_at": _l("Fremsendt"),
    "questionnaire_version": _l("Skemaversion"),
    "accounting_year": _l("Regnskabsår"),
}


class FormView(ScopedModelView):
    datamodel = SQLAInterface(Form)
    list_title = _l("Skemaer")
    show_title = _l("Skema")
    list_columns = ["package", "kind", "estate", "status"]
    show_columns = ["package", "kind", "estate", "status"]
    search_columns = ["package", "kind", "status"]
    base_permissions = ["can_list", "can_show"]
    label_columns = {
        "package": _l("Dokumentationspakke"),
        "kind": _l("Skema"),
        "estate": _l("Afdeling"),
        "status": _l("Status"),
    }


def _label_from(labels):
    def format_value(value):
        if value is None:
            return ""
        return gettext(labels[value]) if value in labels else value

    return format_value


VALUE_LABELS = {
    **{s.value: s.label for s in FormStatus},
    **{s.value: s.label for s in PackageStatus},
    "True": N_("Ja"),
    "False": N_("Nej"),
}


class AuditEntryView(ScopedModelView):
    datamodel = SQLAInterface(AuditEntry)
    list_title = _l("Log")
    show_title = _l("Logpost")
    list_columns = [
        "at",
        "user",
        "action",
        "entity",
        "entity_id",
        "field",
        "old_value",
        "new_value",
    ]
    show_columns = list_columns
    search_columns = ["at", "user", "action", "entity", "package"]
    base_order = ("at", "desc")
    base_permissions = ["can_list", "can_show"]
    formatters_columns = {
        "action": _label_from(ACTION_LABELS),
        "entity": _label_from(ENTITY_LABELS),
        "old_value": _label_from(VALUE_LABELS),
        "new_value": _label_from(VALUE_LABELS),
    }
    label_columns = {
        "at": _l("Tidspunkt"),
        "user": _l("Bruger"),
        "action": _l("Handling"),
        "entity": _l("Objekt"),
        "entity_id": _l("Id"),
        "field": _l("Felt"),
        "old_value": _l("Før"),
        "new_value": _l("Efter"),
        "package": _l("Dokumentationspakke"),
    }


class InvalidDeadline(Exception):
    pass


def check_deadline(package) -> None:
    violations = rules_check_deadline(package.year, package.deadline)
    if violations:
        raise InvalidDeadline(gettext(violations[0].message, **violations[0].params_dict()))


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class PackageView(CheckedWrites, ScopedModelView):
    datamodel = SQLAInterface(Package)
    list_title = _l("Dokumentationspakker")
    show_title = _l("Dokumentationspakke")
    edit_title = _l("Rediger frist")
    list_columns = ["year", "organisation", "status", "deadline", "changed_at"]
    show_columns = [
        "year",
        "accounting_year",
        "organisation",
        "status",
        "deadline",
        "questionnaire_version",
        "created_at",
        "changed_at",
        "submitted_at",
    ]
    # only the deadline is edited here; the status is changed by services alone
    edit_columns = ["deadline"]
    search_columns = ["year", "organisation", "status", "deadline"]
    order_columns = ["year", "deadline", "changed_at"]
    base_order = ("year", "desc")
    base_permissions = ["can_list", "can_show", "can_edit"]
    label_columns = PACKAGE_LABELS
    related_views = [FormView]
    show_template = "package_show.html"

    def check_item(self, item):
        check_deadline(item)

    def pre_update(self, item):
        super().pre_update(item)
        item.changed_at = now()
