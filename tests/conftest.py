"""Shared fixtures: one app per test session on the configured database (SQLite file by
default, PostgreSQL when TEST_DATABASE_URL says so), the schema built by the Alembic
migrations, and a fresh small demo world for the tests that want one."""

import os
import re
import tempfile

import pytest
from sqlalchemy import select, text

IN_CI = os.environ.get("CI", "").lower() == "true"


MADE_BY = "_TEST_DATABASE_MADE_BY"


def pytest_configure(config):
    # a temporary SQLite file per test process: a process forked from one that made its file
    # (the mutation runner's parallel children) makes its own, so they never share one
    made_by = os.environ.get(MADE_BY)
    if "TEST_DATABASE_URL" not in os.environ or (made_by and made_by != str(os.getpid())):
        path = os.path.join(tempfile.mkdtemp(prefix="styringsdialog-test-"), "test.db")
        os.environ["TEST_DATABASE_URL"] = f"sqlite:///{path}"
        os.environ[MADE_BY] = str(os.getpid())


def pytest_report_header(config):
    url = os.environ.get("TEST_DATABASE_URL", "")
    return f"database: {re.sub(r'//[^@/]*@', '//', url)}"


def requires_postgresql(db, reason: str):
    """A test of real concurrent transactions runs in the PostgreSQL pass (CI runs the suite
    on SQLite and on PostgreSQL); on SQLite it is skipped, on CI as well."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip(f"{reason}: runs against PostgreSQL (TEST_DATABASE_URL)")


def requires_service(reason: str):
    """Skip locally with a visible reason; on CI a missing service is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (required on CI)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def app():
    from flask_migrate import upgrade

    from app import create_app
    from config import TestConfig

    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=os.environ["TEST_DATABASE_URL"])
    with application.app_context():
        from app.extensions import db

        _drop_everything(db)
        upgrade()
        application.appbuilder.add_permissions(update_perms=True)
        application.appbuilder.sm.create_roles()
        db.session.commit()
    yield application
    dispose_engines(application)


def dispose_engines(application):
    """Close every pooled connection of an app (PostgreSQL warns about open ones)."""
    from app.extensions import db

    with application.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


def _drop_everything(db):
    """Start from an empty database, including Alembic's own version table."""
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        else:
            db.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


KEEP = {
    "alembic_version",
    "region",
    "municipality",
    "ab_role",
    "ab_permission",
    "ab_view_menu",
    "ab_permission_view",
    "ab_permission_view_role",
}


def clean_database(db):
    """Empty every table but the master data, roles and permissions."""
    db.session.remove()
    tables = [t for t in db.metadata.sorted_tables if t.name not in KEEP]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                connection.execute(table.delete())


@pytest.fixture
def db(app):
    from app.extensions import db as database
    from app.services.key_figures import forget_efficiency_averages
    from app.services.masterdata import load_regions_and_municipalities

    forget_efficiency_averages()
    with app.app_context():
        clean_database(database)
        load_regions_and_municipalities()
        yield database
        database.session.remove()


@pytest.fixture
def world(db, app):
    """A fresh small demo world with its 2026 packages opened."""
    from app.services import demo_data
    from app.services.year_opening import open_year

    result = demo_data.build("small")
    open_year(2026, app.config["QUESTIONNAIRE_VERSION"])
    return result


@pytest.fixture
def client(app):
    return app.test_client()


def estate_form_id(db, organisation: int = 101, estate: int = 1, year: int = 2026) -> int:
    """The id of one estate's form in the small demo world (default: 101's estate 1, 2026)."""
    from app.models import Estate, Form, Organisation, Package

    return db.session.scalar(
        select(Form.id)
        .join(Package)
        .join(Package.organisation)
        .join(Estate, Estate.id == Form.estate_id)
        .where(Organisation.number == organisation, Estate.number == estate, Package.year == year)
    )


def login(client, username, password="demo"):
    """Log in through the real login form."""
    response = client.post(
        "/login/", data={"username": username, "password": password}, follow_redirects=False
    )
    assert response.status_code == 302, f"login as {username} failed"
    return response


@pytest.fixture
def login_as(client):
    def _login(username):
        client.get("/logout/")
        login(client, username)
        return client

    return _login
