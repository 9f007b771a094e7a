"""Master data screens: regions, municipalities, organisations and estates."""

import datetime as dt

import marshmallow
import wtforms
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.models import Estate, Municipality, Organisation, Region
from app.rules.cvr import CVR_FORMAT, is_cvr
from app.rules.enums import N_
from app.security import ROW_LEVEL
from app.views.base import ScopedModelView
from app.views.formatting import danish_integer
from app.views.packages import PackageView


def _next_year() -> int:
    return dt.date.today().year + 1


# plausible bounds of the master data numbers, each with its own Danish message:
# LBF numbers organisations and (within one) estates with 1-4 digits, an estate has at most
# 10,000 dwellings of a type and 2,000,000 m², and was built from 1600 until next year
BOUNDS = {
    "organisation_number": (
        1,
        9999,
        N_("Organisationsnummeret skal være et helt tal fra %(min)s til %(max)s."),
    ),
    "estate_number": (
        1,
        9999,
        N_("Afdelingsnummeret skal være et helt tal fra %(min)s til %(max)s."),
    ),
    "family_dwellings": (
        0,
        10_000,
        N_("Antal familieboliger skal være et helt tal fra %(min)s til %(max)s."),
    ),
    "elderly_dwellings": (
        0,
        10_000,
        N_("Antal ældreboliger skal være et helt tal fra %(min)s til %(max)s."),
    ),
    "youth_dwellings": (
        0,
        10_000,
        N_("Antal ungdomsboliger skal være et helt tal fra %(min)s til %(max)s."),
    ),
    "area_m2": (0, 2_000_000, N_("Arealet skal være et helt tal fra %(min)s til %(max)s m².")),
    "built_year": (1600, _next_year, N_("Opførelsesåret skal ligge fra %(min)s til %(max)s.")),
    "municipality_code": (
        1,
        999,
        N_("Kommunekoden skal være et helt tal fra %(min)s til %(max)s."),
    ),
    "region_code": (1, 9999, N_("Regionskoden skal være et helt tal fra %(min)s til %(max)s.")),
}


def _limits(name: str):
    low, high, message = BOUNDS[name]
    high = high() if callable(high) else high
    return low, high, gettext(message, min=low, max=high)


class InRange:
    """A WTForms validator for one bound of BOUNDS (an empty optional field passes)."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, form, field):
        if field.data is None:
            return
        low, high, message = _limits(self.name)
        if not low <= field.data <= high:
            # stop here: FAB's uniqueness check after it would query with the impossible number
            raise wtforms.validators.StopValidation(message)


def in_range(name: str):
    """The same bound as a marshmallow validator, for the REST API."""

    def validate(value):
        if value is None:
            return
        low, high, message = _limits(name)
        if not low <= value <= high:
            raise marshmallow.ValidationError(message)

    return validate


class CvrNumber:
    """A WTForms validator: eight digits, or nothing (an optional field)."""

    def __call__(self, form, field):
        text = (field.data or "").strip()
        if text and not is_cvr(text):
            # stop here: FAB's uniqueness check after it would look the bad value up
            raise wtforms.validators.StopValidation(gettext(CVR_FORMAT))


def form_validators(columns: dict) -> dict:
    return {column: [InRange(bound)] for column, bound in columns.items()}


def api_validators(columns: dict) -> dict:
    return {column: in_range(bound) for column, bound in columns.items()}


ESTATE_BOUNDS = {
    "number": "estate_number",
    "built_year": "built_year",
    "family_dwellings": "family_dwellings",
    "elderly_dwellings": "elderly_dwellings",
    "youth_dwellings": "youth_dwellings",
    "area_m2": "area_m2",
}
ORGANISATION_BOUNDS = {"number": "organisation_number"}


ESTATE_LABELS = {
    "number": _l("Afd. nr."),
    "name": _l("Navn"),
    "address": _l("Adresse"),
    "organisation": _l("Boligorganisation"),
    "municipality": _l("Beliggenhedskommune"),
    "state": _l("Status"),
    "built_year": _l("Opført år"),
    "family_dwellings": _l("Familieboliger"),
    "elderly_dwellings": _l("Ældreboliger"),
    "youth_dwellings": _l("Ungdomsboliger"),
    "dwellings": _l("Boliger i alt"),
    "area_m2": _l("Areal m²"),
}


# a change of where an estate lies or who receives or administers an organisation's package
OPENED_YEARS_KEEP = _l(
    "En ændring gælder for år, der åbnes senere. Et åbnet år får den først, når den anvendes "
    "under Styringsdialogår → Ændringer siden åbningen."
)


class EstateView(ScopedModelView):
    datamodel = SQLAInterface(Estate)
    list_title = _l("Afdelinger")
    show_title = _l("Afdeling")
    add_title = _l("Opret afdeling")
    edit_title = _l("Rediger afdeling")
    list_columns = ["organisation", "number", "name", "municipality", "state", "dwellings"]
    show_columns = [
        "organisation",
        "number",
        "name",
        "address",
        "municipality",
        "state",
        "built_year",
        "family_dwellings",
        "elderly_dwellings",
        "youth_dwellings",
        "area_m2",
    ]
    add_columns = edit_columns = show_columns
    description_columns = {"municipality": OPENED_YEARS_KEEP}
    search_columns = ["organisation", "number", "name", "municipality", "state"]
    order_columns = ["number", "name"]
    base_order = ("number", "asc")
    label_columns = ESTATE_LABELS
    formatters_columns = {
        name: danish_integer
        for name in (
            "family_dwellings",
            "elderly_dwellings",
            "youth_dwellings",
            "dwellings",
            "area_m2",
        )
    }
    validators_columns = form_validators(ESTATE_BOUNDS)
    add_form_query_rel_fields = edit_form_query_rel_fields = {"organisation": ROW_LEVEL}


# where a CVR number counts: it ties a MitID Erhverv login to the organisation or municipality
CVR_LOGIN = _l(
    "Otte cifre. En bruger, der logger ind med MitID Erhverv under dette CVR-nummer, "
    "knyttes hertil."
)


class OrganisationView(ScopedModelView):
    datamodel = SQLAInterface(Organisation)
    list_title = _l("Organisationer")
    show_title = _l("Organisation")
    add_title = _l("Opret organisation")
    edit_title = _l("Rediger organisation")
    list_columns = ["number", "name", "kind", "home_municipality", "administered_by", "active"]
    show_columns = [
        "number",
        "name",
        "kind",
        "cvr",
        "home_municipality",
        "administered_by",
        "active",
    ]
    add_columns = edit_columns = search_columns = show_columns
    description_columns = {
        "home_municipality": OPENED_YEARS_KEEP,
        "administered_by": OPENED_YEARS_KEEP,
        "cvr": CVR_LOGIN,
    }
    order_columns = ["number", "name"]
    base_order = ("number", "asc")
    validators_columns = {**form_validators(ORGANISATION_BOUNDS), "cvr": [CvrNumber()]}
    label_columns = {
        "number": _l("Nr."),
        "cvr": _l("CVR-nummer"),
        "name": _l("Navn"),
        "kind": _l("Type"),
        "home_municipality": _l("Hjemstedskommune"),
        "administered_by": _l("Administreres af"),
        "active": _l("Aktiv"),
    }
    related_views = [EstateView, PackageView]
    show_template = "appbuilder/general/model/show_cascade.html"


class MunicipalityView(ScopedModelView):
    datamodel = SQLAInterface(Municipality)
    list_title = _l("Kommuner")
    show_title = _l("Kommune")
    add_title = _l("Opret kommune")
    edit_title = _l("Rediger kommune")
    list_columns = ["code", "name", "region"]
    show_columns = ["code", "name", "region", "cvr", "notification_email"]
    add_columns = edit_columns = show_columns
    description_columns = {"cvr": CVR_LOGIN}
    search_columns = ["code", "name", "region", "cvr"]
    order_columns = ["code", "name"]
    base_order = ("code", "asc")
    page_size = 100
    validators_columns = {
        **form_validators({"code": "municipality_code"}),
        "cvr": [CvrNumber()],
    }
    label_columns = {
        "code": _l("Kommunekode"),
        "cvr": _l("CVR-nummer"),
        "name": _l("Navn"),
        "region": _l("Region"),
        "notification_email": _l("Mailadresse til notifikation"),
    }


class RegionView(ScopedModelView):
    datamodel = SQLAInterface(Region)
    list_title = _l("Regioner")
    show_title = _l("Region")
    add_title = _l("Opret region")
    edit_title = _l("Rediger region")
    list_columns = ["code", "name"]
    add_columns = edit_columns = show_columns = ["code", "name"]
    search_columns = ["code", "name"]
    base_order = ("code", "asc")
    validators_columns = form_validators({"code": "region_code"})
    label_columns = {"code": _l("Regionskode"), "name": _l("Navn")}
    related_views = [MunicipalityView]
