"""From day one: CSRF on every form, login rate limiting, safe redirects, no security API or
Swagger UI outside development, session cookie flags from configuration."""

import os
import re

import pytest

from tests.conftest import dispose_engines, requires_service


@pytest.fixture
def strict_app(app):
    """The same database, with the production protections switched on."""
    from app import create_app
    from config import TestConfig

    application = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=os.environ["TEST_DATABASE_URL"],
        WTF_CSRF_ENABLED=True,
        AUTH_RATE_LIMITED=True,
        RATELIMIT_ENABLED=True,
        AUTH_RATE_LIMIT="5 per minute",
        RATELIMIT_STORAGE_URI=os.environ.get("TEST_RATELIMIT_STORAGE_URI", "memory://"),
        SESSION_COOKIE_SECURE=True,
        SAFE_REDIRECT_HOSTS=[],
    )
    yield application
    dispose_engines(application)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_login_without_csrf_token_is_refused(strict_app, world):
    client = strict_app.test_client()
    response = client.post("/login/", data={"username": "lbf", "password": "demo"})
    assert response.status_code == 400


def test_login_with_csrf_token_succeeds_and_sets_hardened_cookie(strict_app, world):
    client = strict_app.test_client()
    token = _csrf(client.get("/login/").get_data(as_text=True))
    response = client.post(
        "/login/", data={"username": "lbf", "password": "demo", "csrf_token": token}
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie


def test_open_year_form_without_csrf_token_is_refused(strict_app, world):
    client = strict_app.test_client()
    token = _csrf(client.get("/login/").get_data(as_text=True))
    client.post("/login/", data={"username": "lbf", "password": "demo", "csrf_token": token})
    assert client.post("/years/open", data={"year": "2027"}).status_code == 400


def test_repeated_failed_logins_are_rate_limited(strict_app, world):
    if os.environ.get("TEST_RATELIMIT_STORAGE_URI", "").startswith("redis://"):
        import redis

        try:
            redis.Redis.from_url(os.environ["TEST_RATELIMIT_STORAGE_URI"]).flushdb()
        except redis.exceptions.ConnectionError:
            requires_service("Redis is not reachable for the rate-limit storage")
    client = strict_app.test_client()
    token = _csrf(client.get("/login/").get_data(as_text=True))
    codes = [
        client.post(
            "/login/", data={"username": "lbf", "password": "wrong", "csrf_token": token}
        ).status_code
        for _ in range(7)
    ]
    assert codes[:5] == [302] * 5
    assert codes[5:] == [429, 429]


def test_login_never_redirects_to_a_foreign_host(client, world):
    response = client.post(
        "/login/?next=https://evil.example.com/steal",
        data={"username": "lbf", "password": "demo"},
    )
    assert response.status_code == 302
    assert "evil.example.com" not in response.location


def test_security_api_and_swagger_are_off_outside_development(client, world):
    assert client.get("/swagger/v1").status_code == 404
    from tests.conftest import login

    login(client, "lbf")
    assert client.get("/api/v1/security/users/").status_code == 404
    assert client.get("/api/v1/security/roles/").status_code == 404


def test_login_attempts_are_counted_across_workers_through_redis(app, world):
    """Two app instances (two workers) share one Redis: the limit holds across them."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        requires_service("TEST_REDIS_URL is not set: rate limiting is not checked against Redis")
    import redis

    try:
        redis.Redis.from_url(url).flushdb()
    except redis.exceptions.ConnectionError:
        requires_service(f"Redis is not reachable at {url}")
    from app import create_app
    from config import TestConfig

    workers = [
        create_app(
            TestConfig,
            SQLALCHEMY_DATABASE_URI=os.environ["TEST_DATABASE_URL"],
            AUTH_RATE_LIMITED=True,
            RATELIMIT_ENABLED=True,
            AUTH_RATE_LIMIT="4 per minute",
            RATELIMIT_STORAGE_URI=url,
        )
        for _ in range(2)
    ]
    codes = [
        workers[i % 2]
        .test_client()
        .post("/login/", data={"username": "lbf", "password": "wrong"})
        .status_code
        for i in range(6)
    ]
    for worker in workers:
        dispose_engines(worker)
    assert codes == [302, 302, 302, 302, 429, 429]
