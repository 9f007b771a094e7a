"""Package and form lists: every role sees the packages it may follow, filtered by row."""

import datetime as dt

from flask import Response, current_app, stream_with_context
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.widgets import ListWidget
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import inspect
from wtforms import Field
from wtforms.validators import Optional
from wtforms.widgets import html_params

from app.models import AuditEntry, Form, Package
from app.rules.deadlines import check_deadline as rules_check_deadline
from app.rules.enums import N_, FormStatus, PackageStatus, Right
from app.services.audit import ACTION_LABELS, ENTITY_LABELS
from app.services.changes import option_labels, question_title, value_text
from app.services.log_export import year_log_csv
from app.views.base import CheckedWrites, ScopedModelView
from app.views.formatting import danish_date

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


def _value_label(value):
    """A logged value in words: statuses by their labels, answers as the form shows them
    (option labels, Ja/Nej, lists as lists)."""
    if value is None:
        return ""
    if value in VALUE_LABELS:
        return gettext(VALUE_LABELS[value])
    from app.views.rights import rights_words

    if value and all(p in Right._value2member_map_ for p in value.split(",")):
        return rights_words(value)
    labels = option_labels(current_app.config["QUESTIONNAIRE_VERSION"])
    return gettext(value_text(value, labels))


def _field_label(value):
    """A changed column by its header on the screens (status -> Status); an answer by its
    form and question text."""
    if value is None:
        return ""
    question = question_title(value)
    if question is not None:
        return question
    from app.views.masterdata import ESTATE_LABELS, OrganisationView

    labels = {
        **ESTATE_LABELS,
        **OrganisationView.label_columns,
        **PACKAGE_LABELS,
        "rights": _l("Rettigheder"),
        "acts_for": _l("Administrerede organisationer"),
    }
    return str(labels[value]) if value in labels else value


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
        "before",
        "after",
    ]
    show_columns = list_columns
    search_columns = ["at", "user", "action", "entity", "package"]
    base_order = ("at", "desc")
    base_permissions = ["can_list", "can_show", "can_export"]
    formatters_columns = {
        "action": _label_from(ACTION_LABELS),
        "entity": _label_from(ENTITY_LABELS),
        "field": _field_label,
        "before": _value_label,
        "after": _value_label,
    }
    label_columns = {
        "at": _l("Tidspunkt"),
        "user": _l("Bruger"),
        "action": _l("Handling"),
        "entity": _l("Objekt"),
        "entity_id": _l("Id"),
        "field": _l("Felt"),
        "before": _l("Før"),
        "after": _l("Efter"),
        "package": _l("Dokumentationspakke"),
    }

    @expose("/export/<int:year>.csv")
    @has_access
    def export(self, year: int):
        """LBF's export of a dialogue year's log (LBF alone holds this permission)."""
        columns = ["at", "user", "package", *self.list_columns[2:]]
        header = [str(self.label_columns.get(c, c)) for c in columns]

        def describe(entry):
            row = [
                danish_date(entry.at),
                entry.user.get_full_name() if entry.user else "",
                str(entry.package) if entry.package else "",
            ]
            for column in self.list_columns[2:]:
                formatter = self.formatters_columns.get(column)
                value = getattr(entry, column)
                row.append(str(formatter(value)) if formatter else str(value or ""))
            return row

        def body():
            # a byte order mark, so that Excel reads the Danish letters as UTF-8
            yield "\ufeff" + ";".join(header) + "\r\n"
            yield from year_log_csv(year, describe)

        response = Response(stream_with_context(body()), mimetype="text/csv")
        response.headers["Content-Disposition"] = f"attachment; filename=log-{year}.csv"
        return response


class InvalidDeadline(Exception):
    pass


def check_deadline(package) -> None:
    # a submitted package's deadline is history: it no longer changes (screen and API)
    if package.status.is_submitted and inspect(package).attrs.deadline.history.has_changes():
        raise InvalidDeadline(
            gettext("Dokumentationspakken er fremsendt: fristen kan ikke længere ændres.")
        )
    violations = rules_check_deadline(package.year, package.deadline)
    if violations:
        raise InvalidDeadline(gettext(violations[0].message, **violations[0].params_dict()))


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


DATE_FORMATS = ("%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def parse_danish_date(text: str) -> dt.date:
    """A typed date as Danes write it (15-12-2026, 15.12.2026) or as ISO (2026-12-15)."""
    for date_format in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), date_format).date()
        except ValueError:
            continue
    raise ValueError(gettext("Ikke en gyldig dato. Skriv den som dd-mm-åååå, fx 15-12-2026."))


class DanishDatePickerWidget:
    """A text field with DKFDS's date picker (app/static/js/date-picker.js): the field holds
    the date as yyyy-mm-dd, the picker shows and takes dd-mm-åååå. A typed value the server
    refused is shown again as it was typed."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("name", field.name)
        stored = field.data.isoformat() if field.data and not field.raw_data else None
        params = html_params(
            type="text", value=stored or field._value(), autocomplete="off", **kwargs
        )
        picker = {"class_": "date-picker", "data_dateformat": "DD-MM-YYYY"}
        if stored:
            picker["data_default_value"] = stored
        return Markup(
            f'<div {html_params(**picker)}><input class="form-input form-control" {params} /></div>'
        )


class DanishDateField(Field):
    """A date typed as dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd; anything else is refused with a
    Danish message and nothing is saved. Left empty, there is no date."""

    widget = DanishDatePickerWidget()

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%d-%m-%Y") if self.data else ""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_danish_date(valuelist[0])
        except ValueError as error:
            self.data = None
            raise ValueError(str(error)) from None


class PackageListWidget(ListWidget):
    """Each row's first cell links straight to the package page (/package/<id>/)."""

    template = "package_list_widget.html"


class PackageView(CheckedWrites, ScopedModelView):
    """The list of packages. One package page per role: a row opens /package/<id>/; the
    generated show page is linked from nowhere (it stays for its URL and links on to the
    package page)."""

    datamodel = SQLAInterface(Package)
    list_widget = PackageListWidget
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
    edit_form_extra_fields = {"deadline": DanishDateField(_l("Frist"), validators=[Optional()])}

    def check_item(self, item):
        check_deadline(item)

    def pre_update(self, item):
        super().pre_update(item)
        item.changed_at = now()
