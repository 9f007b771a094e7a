"""REST endpoints under /api/v1/: the same row-level filter as the screens."""

from flask import request
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import protect

from app.extensions import db
from app.models import Estate, Form, Municipality, Organisation, Package
from app.security import current_actor
from app.services import reading
from app.views.base import ScopedApi
from app.views.filling import save_answer_from
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


class AnswerApi(BaseApi):
    """A form's answers for a case system (an organisation's API key, or a JWT): read them
    with their versions, and save one as the form page's autosave does, through the same
    service and the same refusals."""

    resource_name = "answers"
    class_permission_name = "AnswerApi"
    method_permission_name = {"get": "get", "save": "post"}
    allow_browser_login = False  # a key or a token, never the browser's session cookie
    openapi_spec_tag = "Answers"

    @expose("/<int:form_id>", methods=["GET"])
    @protect()
    def get(self, form_id: int):
        """A form's answers, by question key
        ---
        get:
          parameters:
          - in: path
            name: form_id
            required: true
            schema:
              type: integer
          responses:
            200:
              description: The answers with their versions; the version is sent back when
                an answer is saved
              content:
                application/json:
                  schema:
                    type: object
            401:
              $ref: '#/components/responses/401'
            404:
              $ref: '#/components/responses/404'
        """
        try:
            form = reading.visible_form(form_id, current_actor())
        except reading.NotFound:
            return self.response_404()
        answers = reading.answers_of(form)
        return self.response(
            200,
            form_id=form.id,
            status=form.status.value,
            answers={
                key: {"value": answer.value, "version": answer.version}
                for key, answer in sorted(answers.items())
            },
        )

    @expose("/<int:form_id>", methods=["POST"])
    @protect()
    def save(self, form_id: int):
        """Save one answer
        ---
        post:
          parameters:
          - in: path
            name: form_id
            required: true
            schema:
              type: integer
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [key]
                  properties:
                    key:
                      type: string
                    value: {}
                    version:
                      type: integer
                      minimum: 0
                    request_id:
                      type: string
                      maxLength: 64
          responses:
            200:
              description: The answer saved, with its new version and the statuses
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            404:
              $ref: '#/components/responses/404'
            409:
              description: Another saved first; the stored answer is returned
        """
        return save_answer_from(form_id, request.get_json(silent=True))
