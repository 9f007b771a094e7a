"""API keys for an organisation's own case system: an organisation makes and revokes its own
keys on its screen and sees the key once; a request with the key sees and may change what the
organisation's users see and may change, nothing else; a revoked key opens nothing; each use
is in the log; a key is limited in how often it may ask."""

import os
import re

import pytest
from sqlalchemy import func, select

from app.models import Answer, AuditEntry, Organisation
from tests.conftest import dispose_engines, estate_form_id
from tests.views.test_access_matrix import PACKAGES


def make_key(client, name="Sagssystem", organisation=None) -> tuple[str, str]:
    """(key, its uuid), made through the screen by the logged-in user."""
    data = {"name": name}
    if organisation is not None:
        data["organisation"] = organisation
    response = client.post("/api-keys/", data=data)
    assert response.status_code == 201, response.status_code
    page = response.get_data(as_text=True)
    key = re.search(r'id="new-key-value" readonly value="(sdk_[^"]+)"', page).group(1)
    uuid = re.search(r'<tr data-key="([^"]+)">', page).group(1)
    return key, uuid


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def numbers_of_packages(client, key) -> set[int]:
    listed = client.get("/api/v1/package/?q=(page_size:100)", headers=bearer(key)).get_json()
    ids = {row["organisation_id"] for row in listed["result"]}
    return set(
        client.application.extensions["sqlalchemy"]
        .session.scalars(select(Organisation.number).where(Organisation.id.in_(ids)))
        .all()
    )


@pytest.mark.parametrize("user", ["bo", "boadm", "adm", "nord"])
def test_a_key_sees_the_packages_its_organisations_users_see(world, app, login_as, user):
    client = login_as(user)
    key, _uuid = make_key(client)
    client.get("/logout/")
    assert numbers_of_packages(app.test_client(), key) == PACKAGES[user]


def test_the_key_is_shown_once_and_the_list_shows_only_its_start(world, login_as):
    client = login_as("bo")
    key, uuid = make_key(client)
    page = client.get("/api-keys/").get_data(as_text=True)
    assert key not in page
    assert f'<tr data-key="{uuid}">' in page and "<code>sdk_…</code>" in page


def test_a_key_fills_an_answer_of_its_organisation_and_not_of_another(world, db, app, login_as):
    key, _uuid = make_key(login_as("bo"))
    api = app.test_client()
    own = estate_form_id(db, 101, 1)
    saved = api.post(
        f"/api/v1/answers/{own}",
        json={"key": "a_challenges", "value": False, "version": 0},
        headers=bearer(key),
    )
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["version"] == 1
    read = api.get(f"/api/v1/answers/{own}", headers=bearer(key)).get_json()
    assert read["answers"]["a_challenges"] == {"value": False, "version": 1}
    foreign = estate_form_id(db, 751, 1)
    for response in (
        api.get(f"/api/v1/answers/{foreign}", headers=bearer(key)),
        api.post(
            f"/api/v1/answers/{foreign}",
            json={"key": "a_challenges", "value": True, "version": 0},
            headers=bearer(key),
        ),
    ):
        assert response.status_code == 404
    assert db.session.scalar(select(func.count(Answer.id))) == 1


def test_a_key_gets_the_screens_refusals_in_danish(world, db, app, login_as):
    key, _uuid = make_key(login_as("bo"))
    api = app.test_client()
    own = estate_form_id(db, 101, 1)
    refused = api.post(
        f"/api/v1/answers/{own}",
        json={"key": "a_challenges", "value": "måske"},
        headers=bearer(key),
    )
    assert refused.status_code == 422  # as the autosave answers it
    assert refused.get_json()["message"]  # the service's Danish message
    assert api.post(f"/api/v1/answers/{own}", data="x", headers=bearer(key)).status_code == 400


def test_a_revoked_key_opens_nothing(world, db, app, login_as):
    client = login_as("bo")
    key, uuid = make_key(client)
    api = app.test_client()
    assert api.get("/api/v1/package/", headers=bearer(key)).status_code == 200
    assert client.post(f"/api-keys/{uuid}/revoke").status_code == 302
    assert api.get("/api/v1/package/", headers=bearer(key)).status_code == 401
    assert "Tilbagekaldt" in client.get("/api-keys/").get_data(as_text=True)


def test_no_session_opens_the_answers_api_and_a_wrong_key_is_refused(world, db, app, login_as):
    client = login_as("bo")
    own = estate_form_id(db, 101, 1)
    # the browser's session is not a key: the write API is for keys and tokens only
    assert client.get(f"/api/v1/answers/{own}").status_code == 401
    api = app.test_client()
    assert api.get(f"/api/v1/answers/{own}", headers=bearer("sdk_wrong")).status_code == 401


@pytest.mark.parametrize("user", ["kbh", "roskilde"])
def test_a_municipality_makes_no_keys(world, login_as, user):
    client = login_as(user)
    assert client.get("/api-keys/").status_code in (302, 403, 404)
    assert client.post("/api-keys/", data={"name": "x"}).status_code in (302, 403, 404)


def test_an_organisation_cannot_see_or_revoke_another_organisations_keys(world, db, login_as):
    key, uuid = make_key(login_as("nord"))
    client = login_as("bo")
    assert uuid not in client.get("/api-keys/").get_data(as_text=True)
    assert client.post(f"/api-keys/{uuid}/revoke").status_code == 404
    other = db.session.scalar(select(Organisation.id).where(Organisation.number == 851))
    assert client.get(f"/api-keys/?organisation={other}").get_data(as_text=True).count(uuid) == 0


def test_lbf_manages_any_organisations_keys(world, db, login_as):
    nord = db.session.scalar(select(Organisation.id).where(Organisation.number == 851))
    client = login_as("lbf")
    key, uuid = make_key(client, organisation=nord)
    assert uuid in client.get(f"/api-keys/?organisation={nord}").get_data(as_text=True)
    assert client.get("/api-keys/?organisation=x").status_code == 404
    assert client.get("/api-keys/?organisation=99999999999999999999").status_code == 404


def test_a_key_without_a_name_is_refused_and_nothing_is_made(world, db, login_as):
    client = login_as("bo")
    response = client.post("/api-keys/", data={"name": "  "}, follow_redirects=True)
    assert "Giv nøglen et navn" in response.get_data(as_text=True)
    assert '<tr data-key="' not in response.get_data(as_text=True)


def test_making_revoking_and_each_use_of_a_key_are_logged(world, db, app, login_as):
    client = login_as("bo")
    key, uuid = make_key(client)
    api = app.test_client()
    api.get("/api/v1/package/", headers=bearer(key))
    api.get("/api/v1/form/", headers=bearer(key))
    client.post(f"/api-keys/{uuid}/revoke")
    logged = db.session.execute(
        select(AuditEntry.action, AuditEntry.field).order_by(AuditEntry.id)
    ).all()
    actions = [a for a, _f in logged if a.startswith("api_key")]
    assert actions == ["api_key_created", "api_key_used", "api_key_used", "api_key_revoked"]
    assert ("api_key_used", "GET /api/v1/package/") in logged


@pytest.fixture
def limited_app(app):
    from app import create_app
    from config import TestConfig

    application = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=os.environ["TEST_DATABASE_URL"],
        RATELIMIT_ENABLED=True,
        API_KEY_RATE_LIMIT="3 per minute",
        RATELIMIT_STORAGE_URI="memory://",
    )
    yield application
    dispose_engines(application)


def test_a_key_asking_too_often_is_told_to_wait(limited_app, world):
    client = limited_app.test_client()
    client.post("/login/", data={"username": "bo", "password": "demo"})
    key, _uuid = make_key(client)
    api = limited_app.test_client()
    answers = [api.get("/api/v1/package/", headers=bearer(key)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    # another key, or a user without one, is not held back by it
    other, _ = make_key(client, name="Andet system")
    assert api.get("/api/v1/package/", headers=bearer(other)).status_code == 200


def test_only_a_local_administrator_makes_keys_and_a_key_acts_for_what_its_maker_may(
    world, db, app, login_as
):
    """adm2 of the administration organisation 900 fills in for one administered
    organisation (751) and is no local administrator; adm is, and acts for 751 and 752."""
    client = login_as("adm2")
    assert client.get("/api-keys/").status_code == 404
    assert client.post("/api-keys/", data={"name": "x"}).status_code == 404
    key, _uuid = make_key(login_as("adm"))
    assert numbers_of_packages(app.test_client(), key) == {900, 751, 752}
    holder = db.session.scalar(
        select(AuditEntry.entity_id)
        .where(AuditEntry.action == "rights", AuditEntry.field == "rights")
        .order_by(AuditEntry.id.desc())
    )
    from app.models import UserRight

    granted = set(db.session.scalars(select(UserRight.right).where(UserRight.user_id == holder)))
    # adm acts for all 900 administers, now and later: so does the key
    assert {r.value for r in granted} == {"READ", "FILL_AND_SEND", "ALL_ADMINISTERED"}


def test_a_keys_holder_is_not_among_the_people_whose_rights_are_managed(world, db, login_as):
    """The key's rights are set when it is made; the rights screen lists people only."""
    client = login_as("bo")
    make_key(client, name="Sagssystem")
    from app.models import AppUser

    holder = db.session.scalar(select(AppUser).where(AppUser.username.like("api-%")))
    page = client.get("/rights/").get_data(as_text=True)
    assert "Sagssystem" not in page and holder.username not in page
    assert client.get(f"/rights/{holder.id}").status_code == 404


def test_a_key_gets_the_rights_its_maker_holds_when_it_is_made_not_when_the_request_began(
    world, db
):
    """adm's request began while adm could fill in for 751 and 752; LBF withdrew filling and
    752 a moment before the key is made: the key reads 751 only."""
    from app.models import AppUser, UserOrganisation, UserRight
    from app.services import api_keys
    from app.services import rights as rights_service
    from tests.services.test_filling import actor

    def organisation(number):
        return db.session.scalar(select(Organisation.id).where(Organisation.number == number))

    as_the_request_began = actor(db, "adm")
    adm = db.session.scalar(select(AppUser).where(AppUser.username == "adm"))
    rights_service.set_rights(
        actor(db, "lbf"), adm.id, ["READ", "LOCAL_ADMIN"], [organisation(751)]
    )
    api_keys.create_key(as_the_request_began, organisation(900), "Sagssystem")
    holder = db.session.scalar(select(AppUser.id).where(AppUser.username.like("api-%")))
    rights = set(db.session.scalars(select(UserRight.right).where(UserRight.user_id == holder)))
    acts_for = set(
        db.session.scalars(
            select(UserOrganisation.organisation_id).where(UserOrganisation.user_id == holder)
        )
    )
    assert {r.value for r in rights} == {"READ"}
    assert acts_for == {organisation(751)}


def test_lbf_gives_a_key_acting_for_all_administered_only_where_some_are_administered(world, db):
    from app.models import AppUser, UserRight
    from app.services import api_keys
    from tests.services.test_filling import actor

    def key_rights(number):
        organisation = db.session.scalar(
            select(Organisation.id).where(Organisation.number == number)
        )
        api_keys.create_key(actor(db, "lbf"), organisation, f"System {number}")
        holder = db.session.scalar(
            select(AppUser.id)
            .where(AppUser.organisation_id == organisation, AppUser.username.like("api-%"))
            .order_by(AppUser.id.desc())
        )
        rights = db.session.scalars(select(UserRight.right).where(UserRight.user_id == holder))
        return {r.value for r in rights}

    assert key_rights(900) == {"READ", "FILL_AND_SEND", "ALL_ADMINISTERED"}
    assert key_rights(101) == {"READ", "FILL_AND_SEND"}


def test_a_keys_holder_hears_of_no_package(world, db, login_as):
    from app.services import mail
    from tests.services.test_filling import package_of

    make_key(login_as("bo"))
    addresses = mail.package_addresses(package_of(db, 101))
    assert addresses == ["bo@demo.styringsdialog.dk"]


def test_a_key_is_made_only_by_one_who_is_local_administrator_when_it_is_made(world, db):
    """adm's request began while adm was a local administrator; LBF withdrew that meanwhile."""
    from app.models import AppUser
    from app.services import api_keys
    from app.services import rights as rights_service
    from app.services.errors import NotFound
    from tests.services.test_filling import actor

    as_the_request_began = actor(db, "adm")
    adm = db.session.scalar(select(AppUser).where(AppUser.username == "adm"))
    rights_service.set_rights(actor(db, "lbf"), adm.id, ["READ", "FILL_AND_SEND"], [])
    organisation = db.session.scalar(select(Organisation.id).where(Organisation.number == 900))
    with pytest.raises(NotFound):
        api_keys.create_key(as_the_request_began, organisation, "Sagssystem")
    assert db.session.scalar(select(AppUser.id).where(AppUser.username.like("api-%"))) is None


def test_a_keys_times_are_kept_in_utc_as_the_page_shows_them(world, db, login_as, monkeypatch):
    """On a server set to Danish time, the key's making and use are still kept in UTC (the
    page turns UTC into Danish time): never an hour or two off."""
    import time

    from flask_appbuilder.security.sqla.models import ApiKey

    from app.services.reading import now

    monkeypatch.setenv("TZ", "Europe/Copenhagen")
    time.tzset()
    try:
        key, uuid = make_key(login_as("bo"))
        login_as("bo").application.test_client().get("/api/v1/package/", headers=bearer(key))
        db.session.expire_all()
        made = db.session.scalar(select(ApiKey).where(ApiKey.uuid == uuid))
        assert abs((made.created_on - now()).total_seconds()) < 60
        assert abs((made.last_used_on - now()).total_seconds()) < 60
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_the_overview_links_to_the_keys_for_a_local_administrator_only(world, login_as):
    assert 'id="own-system"' in login_as("adm").get("/overview/").get_data(as_text=True)
    assert 'id="own-system"' not in login_as("adm2").get("/overview/").get_data(as_text=True)
