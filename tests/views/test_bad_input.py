"""Bad input gets a clear Danish answer, never a server error."""

import pytest
from sqlalchemy import select

from app.models import Form, Organisation, Package
from tests.conftest import login

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/packageview/show/{HUGE}",
        f"/package/{HUGE}/",
        f"/form/{HUGE}/",
        f"/form/{HUGE}/conclusion",
        "/form/1/ingen_sektion",
        "/ingen/side",
    ],
)
def test_unknown_or_impossible_ids_answer_a_danish_404_page(client, world, url):
    login(client, "bo")
    response = client.get(url)
    assert response.status_code == 404
    assert "Siden findes ikke" in response.get_data(as_text=True)


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_api_answers_404_for_an_impossible_id(client, world, method):
    login(client, "lbf")
    kwargs = {"json": {"deadline": "2026-12-01"}} if method == "put" else {}
    response = getattr(client, method)(f"/api/v1/package/{HUGE}", **kwargs)
    assert response.status_code in (404, 405)


def test_api_filter_with_an_impossible_value_is_a_400(client, world):
    login(client, "lbf")
    response = client.get(f"/api/v1/package/?q=(filters:!((col:year,opr:eq,value:{HUGE})))")
    assert response.status_code == 400


def test_autosave_with_deeply_nested_json_is_a_400(client, world, db):
    login(client, "bo")
    form_id = db.session.scalar(
        select(Form.id).join(Package).join(Organisation).where(Organisation.number == 101)
    )
    response = client.post(
        f"/form/{form_id}/answers", data="[" * 100_000, content_type="application/json"
    )
    assert response.status_code == 400
    assert "forstås" in response.json["message"]


def test_last_year_with_garbled_estate_ids_is_a_danish_400(client, world, db):
    login(client, "bo")
    package_id = db.session.scalar(
        select(Package.id).join(Organisation).where(Organisation.number == 101)
    )
    response = client.post(
        f"/package/{package_id}/last-year", data={"scope": "selected", "estates": "abc"}
    )
    assert response.status_code == 400
    assert "kunne ikke forstås" in response.get_data(as_text=True)


def test_estate_with_negative_dwellings_is_refused_through_the_api(client, world, db):
    login(client, "lbf")
    org = db.session.scalar(select(Organisation).where(Organisation.number == 851))
    response = client.post(
        "/api/v1/estate/",
        json={
            "organisation_id": org.id,
            "number": 77,
            "name": "Minus",
            "municipality_id": org.home_municipality_id,
            "state": "IN_OPERATION",
            "family_dwellings": -1,
        },
    )
    assert response.status_code == 422


def test_a_list_page_never_holds_more_than_the_maximum_rows(client, world):
    from app.views.base import MAX_PAGE_SIZE

    login(client, "lbf")
    page = client.get("/estateview/list/?psize_EstateView=100000000").get_data(as_text=True)
    assert page.count("/estateview/show/") <= MAX_PAGE_SIZE
    assert "/estateview/show/" in page
