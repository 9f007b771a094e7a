"""The REST API as a case system meets it: Schemathesis reads the OpenAPI document that key
holders are served, and calls every operation with generated input under an organisation's
API key. However odd the input, no answer is a server error."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.views.test_api_keys import bearer, make_key


@pytest.fixture
def api_key(world, login_as):
    client = login_as("bo")
    key, _uuid = make_key(client, name="Skemakontrol")
    client.get("/logout/")
    return key


@pytest.fixture
def api_schema(app, api_key):
    schema = schemathesis.openapi.from_wsgi("/api/v1/_openapi", app, headers=bearer(api_key))
    # the platform's own APIs, not Flask-AppBuilder's security and menu endpoints
    return schema.include(
        path_regex=r"^/api/v1/(package|form|organisation|estate|municipality|answers)"
    )


def test_the_openapi_document_is_served_to_a_key_holder(app, api_key):
    response = app.test_client().get("/api/v1/_openapi", headers=bearer(api_key))
    assert response.status_code == 200
    paths = response.get_json()["paths"]
    assert "/api/v1/answers/{form_id}" in paths and "/api/v1/package/" in paths


def test_no_generated_request_with_a_key_gets_a_server_error(api_schema, api_key):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10  # the platform's read endpoints and the answers API

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def call(case):
            response = case.call(headers=bearer(api_key))
            case.validate_response(response, checks=(not_a_server_error,))

        call()
