"""Sessions end at logout, the app refuses an insecure start, token login is off unless asked
for, every response carries the security headers, and login limits count real clients."""

import os

import pytest
from sqlalchemy import select

from app.models import Answer
from tests.conftest import dispose_engines, estate_form_id, login


def _answers(db, form_id) -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(Answer).where(Answer.form_id == form_id)).all())


def _client_with_cookie(app, cookie: str):
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


# --- sessions ----------------------------------------------------------------------------------


@pytest.fixture
def other_app(app):
    """A second app on the same database, like a second worker. Its requests get their own
    app context (and `g`), which requests of the session-wide test app inside the `db`
    fixture's context would share, so logins could not be told apart."""
    from app import create_app
    from config import TestConfig

    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=os.environ["TEST_DATABASE_URL"])
    yield application
    dispose_engines(application)


def test_old_session_cookie_opens_nothing_after_logout(other_app, world, db):
    app = other_app
    client = app.test_client()
    form_id = estate_form_id(db)
    login(client, "bo")
    cookie = client.get_cookie("session").value
    # the copied cookie is a working session until its user logs out
    assert _client_with_cookie(app, cookie).get(f"/form/{form_id}/").status_code == 302
    assert "/form/" in _client_with_cookie(app, cookie).get(f"/form/{form_id}/").location

    client.get("/logout/")

    stolen = _client_with_cookie(app, cookie)
    page = stolen.get(f"/form/{form_id}/")
    assert page.status_code == 302 and "/login/" in page.location
    save = stolen.post(
        f"/form/{form_id}/answers",
        json={"key": "a_challenges", "value": True, "version": 0, "request_id": "r1"},
    )
    assert save.status_code in (401, 403)
    assert _answers(db, form_id) == 0


def test_logging_out_ends_every_session_of_that_user_and_only_that_user(other_app, world, db):
    app = other_app
    form_id = estate_form_id(db)
    first, second, colleague = app.test_client(), app.test_client(), app.test_client()
    login(first, "bo")
    login(second, "bo")
    login(colleague, "lbf")
    first.get("/logout/")
    assert "/login/" in second.get(f"/form/{form_id}/").location
    assert colleague.get("/organisationview/list/").status_code == 200


def test_logging_in_again_after_logout_gives_a_working_session(other_app, world, db):
    client = other_app.test_client()
    login(client, "bo")
    client.get("/logout/")
    login(client, "bo")
    form_id = estate_form_id(db)
    assert "/form/" in client.get(f"/form/{form_id}/").location


# --- configuration -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "secret",
    [None, "", "development-only-key-never-used-in-production", "too-short-a-key"],
    ids=["missing", "empty", "committed-development-key", "short"],
)
def test_app_refuses_to_start_outside_development_without_a_real_secret_key(secret):
    from app import create_app
    from app.web_security import InsecureConfiguration
    from config import Config

    with pytest.raises(InsecureConfiguration):
        create_app(
            Config,
            SQLALCHEMY_DATABASE_URI=os.environ["TEST_DATABASE_URL"],
            SECRET_KEY=secret,
            DEVELOPMENT=False,
            TESTING=False,
        )


def test_app_starts_outside_development_with_a_real_secret_key(app):
    from app import create_app
    from config import Config

    started = create_app(
        Config,
        SQLALCHEMY_DATABASE_URI=os.environ["TEST_DATABASE_URL"],
        SECRET_KEY="0123456789abcdef" * 4,
        DEVELOPMENT=False,
        TESTING=False,
    )
    assert started.secret_key == "0123456789abcdef" * 4
    dispose_engines(started)


@pytest.fixture
def production_like_app(app):
    """The test database with the production defaults for token login."""
    from app import create_app
    from config import TestConfig

    application = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=os.environ["TEST_DATABASE_URL"], API_TOKEN_LOGIN=False
    )
    yield application
    dispose_engines(application)


def test_token_login_does_not_exist_unless_configured(production_like_app, world):
    client = production_like_app.test_client()
    response = client.post(
        "/api/v1/security/login", json={"username": "lbf", "password": "demo", "provider": "db"}
    )
    assert response.status_code == 404
    assert "access_token" not in response.get_data(as_text=True)


def test_token_login_issues_a_token_when_configured(client, world):
    response = client.post(
        "/api/v1/security/login", json={"username": "lbf", "password": "demo", "provider": "db"}
    )
    assert response.status_code == 200 and response.json["access_token"]


# --- security headers --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/login/", "/", "/api/v1/package/", "/static/css/app.css"])
def test_every_response_carries_the_security_headers(client, world, path):
    response = client.get(path)
    headers = response.headers
    response.close()
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_hsts_is_sent_over_https_and_not_over_plain_http(client, world):
    assert "Strict-Transport-Security" not in client.get("/login/").headers
    secure = client.get("/login/", base_url="https://localhost")
    assert "max-age=" in secure.headers["Strict-Transport-Security"]


# --- login limits ------------------------------------------------------------------------------


def _limited_app(**overrides):
    from app import create_app
    from config import TestConfig

    settings = {
        "SQLALCHEMY_DATABASE_URI": os.environ["TEST_DATABASE_URL"],
        "AUTH_RATE_LIMITED": True,
        "RATELIMIT_ENABLED": True,
        # each app counts in its own memory: these tests are about who is counted together
        "RATELIMIT_STORAGE_URI": "memory://",
        "AUTH_RATE_LIMIT": "3 per minute",
        "AUTH_RATE_LIMIT_PER_ADDRESS": "100 per minute",
    }
    return create_app(TestConfig, **(settings | overrides))


def _attempt(client, username, password="wrong", address=None):
    headers = {"X-Forwarded-For": address} if address else {}
    return client.post(
        "/login/", data={"username": username, "password": password}, headers=headers
    ).status_code


def test_one_users_lockout_does_not_lock_out_a_colleague_at_the_same_address(app, world):
    application = _limited_app()
    client = application.test_client()
    assert [_attempt(client, "lbf") for _ in range(4)] == [302, 302, 302, 429]
    # the same address, another user: still let in, and logged in for real
    assert _attempt(client, "bo", password="demo") == 302
    assert client.get("/organisationview/list/").status_code == 200
    dispose_engines(application)


def test_one_address_trying_many_user_names_is_stopped(app, world):
    application = _limited_app(AUTH_RATE_LIMIT_PER_ADDRESS="4 per minute")
    client = application.test_client()
    codes = [_attempt(client, name) for name in ["a", "b", "c", "d", "e"]]
    assert codes == [302, 302, 302, 302, 429]
    dispose_engines(application)


def test_behind_a_configured_proxy_each_client_address_is_counted_on_its_own(app, world):
    application = _limited_app(AUTH_RATE_LIMIT_PER_ADDRESS="2 per minute", PROXY_COUNT=1)
    client = application.test_client()
    first = [_attempt(client, name, address="203.0.113.1") for name in ["a", "b", "c"]]
    other = [_attempt(client, name, address="203.0.113.2") for name in ["a", "b"]]
    assert first == [302, 302, 429]
    assert other == [302, 302]
    dispose_engines(application)


def test_without_a_configured_proxy_forwarded_addresses_are_not_believed(app, world):
    application = _limited_app(AUTH_RATE_LIMIT_PER_ADDRESS="2 per minute", PROXY_COUNT=0)
    client = application.test_client()
    codes = [
        _attempt(client, name, address=address)
        for name, address in [("a", "203.0.113.1"), ("b", "203.0.113.2"), ("c", "203.0.113.3")]
    ]
    # a client cannot escape the limit by inventing X-Forwarded-For headers
    assert codes == [302, 302, 429]
    dispose_engines(application)


def _token_attempt(client, username, password="wrong"):
    return client.post(
        "/api/v1/security/login",
        json={"username": username, "password": password, "provider": "db"},
    ).status_code


def test_a_token_login_lockout_counts_the_user_name_of_the_json_body(app, world):
    application = _limited_app(API_TOKEN_LOGIN=True)
    client = application.test_client()
    assert [_token_attempt(client, "lbf") for _ in range(4)] == [401, 401, 401, 429]
    # the same address, another user name in the JSON body: counted on its own
    assert _token_attempt(client, "bo", password="demo") == 200
    dispose_engines(application)


def test_a_user_name_is_counted_whatever_its_case_and_spaces(app, world):
    application = _limited_app()
    client = application.test_client()
    names = ["lbf", "LBF", " Lbf ", "lbF"]
    assert [_attempt(client, name) for name in names] == [302, 302, 302, 429]
    dispose_engines(application)


def test_long_user_names_are_counted_by_their_first_hundred_characters(app, world):
    application = _limited_app()
    client = application.test_client()
    stem = "a" * 100
    assert [_attempt(client, stem + tail) for tail in "wxyz"] == [302, 302, 302, 429]
    dispose_engines(application)


def test_a_token_login_with_a_broken_json_body_is_refused_not_an_error(app, world):
    application = _limited_app(API_TOKEN_LOGIN=True)
    client = application.test_client()
    response = client.post(
        "/api/v1/security/login", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    dispose_engines(application)


def test_the_login_limits_count_posts_only_and_only_at_the_login_doors(app, world):
    application = _limited_app(AUTH_RATE_LIMIT_PER_ADDRESS="3 per minute")
    client = application.test_client()
    # reading the login page is not a login attempt
    assert [client.get("/login/").status_code for _ in range(5)] == [200] * 5
    assert _attempt(client, "bo", password="demo") == 302
    # a logged-in user's posts elsewhere are not counted against the login limit
    codes = [client.post("/overview/notification-address").status_code for _ in range(5)]
    assert 429 not in codes
    dispose_engines(application)
