"""REST endpoints under /api/v1/: the same row-level filter as the screens."""

from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.extensions import db
from app.models import Estate, Form, Municipality, Organisation, Package
from app.views.base import ScopedApi
from app.views.masterdata import ESTATE_BOUNDS, ORGANISATION_BOUNDS, api_validators
from app.views.packages import InvalidDeadline, check_deadline, now


class OrganisationApi(ScopedApi):
    resource_name = "organisation"
    datamodel = SQLAInterface(Organisation)
    list_columns = ["id", "number", "name", "kind", "home_municipality_id", "administered_by_id"]
    show_columns = list_columns
    add_columns = edit_columns = [
        "number",
        "name",
        "kind",
        "home_municipality_id",
        "administered_by_id",
    ]
    validators_columns = api_validators(ORGANISATION_BOUNDS)


class EstateApi(ScopedApi):
    resource_name = "estate"
    datamodel = SQLAInterface(Estate)
    list_columns = [
        "id",
        "organisation_id",
        "number",
        "name",
        "municipality_id",
        "state",
        "family_dwellings",
        "elderly_dwellings",
        "youth_dwellings",
        "area_m2",
    ]
    show_columns = list_columns
    add_columns = edit_columns = list_columns[1:]
    validators_columns = api_validators(ESTATE_BOUNDS)


class PackageApi(ScopedApi):
    resource_name = "package"
    datamodel = SQLAInterface(Package)
    list_columns = ["id", "organisation_id", "year", "status", "deadline", "changed_at"]
    show_columns = [*list_columns, "questionnaire_version", "submitted_at"]
    # the status belongs to the services and packages are made by opening a year:
    # the API reads packages and edits the deadline alone
    include_route_methods = {"get", "get_list", "info", "put"}
    edit_columns = ["deadline"]

    def pre_update(self, item):
        check_deadline(item)
        super().pre_update(item)
        item.changed_at = now()

    def put_headless(self, pk):
        try:
            return super().put_headless(pk)
        except InvalidDeadline as refusal:
            db.session.rollback()
            return self.response_422(message=str(refusal))


class FormApi(ScopedApi):
    resource_name = "form"
    datamodel = SQLAInterface(Form)
    list_columns = ["id", "package_id", "kind", "estate_id", "status"]
    show_columns = list_columns
    include_route_methods = {"get", "get_list", "info"}


class MunicipalityApi(ScopedApi):
    resource_name = "municipality"
    datamodel = SQLAInterface(Municipality)
    list_columns = ["id", "code", "name", "region_id"]
    show_columns = list_columns
    include_route_methods = {"get", "get_list", "info"}
