"""A fresh sector-scale demo world in the database named by DATABASE_URL (default: a
temporary SQLite file), built through the migrations like a real installation."""

import os
import secrets
import tempfile
import time

from sqlalchemy import text


def sector_app():
    if not os.environ.get("DATABASE_URL"):
        path = os.path.join(tempfile.mkdtemp(prefix="styringsdialog-bench-"), "bench.db")
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    from flask_migrate import upgrade

    from app import create_app
    from config import Config

    app = create_app(
        Config,
        SQLALCHEMY_DATABASE_URI=os.environ["DATABASE_URL"],
        WTF_CSRF_ENABLED=False,
        AUTH_RATE_LIMITED=False,
        RATELIMIT_ENABLED=False,
        FAB_PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
        SECRET_KEY=secrets.token_hex(32),
    )
    with app.app_context():
        from app.extensions import db
        from app.services import demo_data

        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()
        app.appbuilder.add_permissions(update_perms=True)
        app.appbuilder.sm.create_roles()
        started = time.perf_counter()
        result = demo_data.build("sector")
        print(
            f"sector world: {result.organisations} organisations, {result.estates} estates, "
            f"{result.dwellings} dwellings in {time.perf_counter() - started:.1f} s"
        )
        # fresh statistics after the bulk load, as a running database would have
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    return app


def database_name(app) -> str:
    from app.extensions import db

    with app.app_context():
        return db.engine.dialect.name
