"""Master data screens: regions, municipalities, organisations and estates."""

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.models import Estate, Municipality, Organisation, Region
from app.security import ROW_LEVEL
from app.views.base import ScopedModelView
from app.views.packages import PackageView

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
    search_columns = ["organisation", "number", "name", "municipality", "state"]
    order_columns = ["number", "name"]
    base_order = ("number", "asc")
    label_columns = ESTATE_LABELS
    add_form_query_rel_fields = edit_form_query_rel_fields = {"organisation": ROW_LEVEL}


class OrganisationView(ScopedModelView):
    datamodel = SQLAInterface(Organisation)
    list_title = _l("Organisationer")
    show_title = _l("Organisation")
    add_title = _l("Opret organisation")
    edit_title = _l("Rediger organisation")
    list_columns = ["number", "name", "kind", "home_municipality", "administered_by"]
    show_columns = ["number", "name", "kind", "home_municipality", "administered_by", "active"]
    add_columns = edit_columns = show_columns
    search_columns = ["number", "name", "kind", "home_municipality", "administered_by", "active"]
    order_columns = ["number", "name"]
    base_order = ("number", "asc")
    label_columns = {
        "number": _l("Nr."),
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
    show_columns = ["code", "name", "region", "notification_email"]
    add_columns = edit_columns = show_columns
    search_columns = ["code", "name", "region"]
    order_columns = ["code", "name"]
    base_order = ("code", "asc")
    page_size = 100
    label_columns = {
        "code": _l("Kommunekode"),
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
    label_columns = {"code": _l("Regionskode"), "name": _l("Navn")}
    related_views = [MunicipalityView]
