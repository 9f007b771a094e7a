"""The governance-dialogue platform: application factory."""

import logging

from flask import Flask
from flask_appbuilder import AppBuilder

from app.extensions import csrf, db, migrate


def create_app(config_object: str | object = "config.Config", **overrides) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(config_object)
    app.config.update(overrides)
    from app.permissions import FAB_ROLES

    app.config.setdefault("FAB_ROLES", FAB_ROLES)
    from app import web_security

    web_security.check_secret_key(app)
    from app import saml

    saml.configure(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    _danish_form_messages()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_project_path("migrations")), render_as_batch=True)
    csrf.init_app(app)

    with app.app_context():
        appbuilder = AppBuilder(update_perms=app.config.get("FAB_UPDATE_PERMS", False))
        appbuilder.init_app(app, db.session)
        from app import views

        views.register(appbuilder)
        appbuilder.post_init()

    from app import cli
    from app.tasks import init_celery

    init_celery(app)
    from app.views import charts, errors, formatting, rights, sessions

    cli.register(app)
    errors.register(app)
    formatting.register(app)
    charts.register(app)
    rights.register(app)
    sessions.register(app)
    web_security.trust_proxies(app)
    web_security.add_security_headers(app)
    return app


def _danish_form_messages() -> None:
    """WTForms ships no Danish catalogue: its messages ("Ikke en gyldig dato", ...) come from
    the project's `translations/da/LC_MESSAGES/wtforms.po`; other locales keep the English."""
    import flask_wtf.i18n

    flask_wtf.i18n.messages_path = lambda: str(_project_path("translations"))


def _project_path(name: str):
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / name
