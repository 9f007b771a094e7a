"""Refusals the user reads in Danish, as JSON for the autosave calls."""

from flask import current_app, g, jsonify, render_template, request
from flask_babel import gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = gettext("Sikkerhedsnøglen er udløbet. Genindlæs siden og prøv igen.")
        if _wants_json():
            return jsonify(error="csrf", message=message), 400
        appbuilder = current_app.appbuilder
        # the CSRF check runs before FAB has put the user on g for the page's navigation bar
        g.user = current_user
        page = render_template(
            "error.html",
            message=message,
            appbuilder=appbuilder,
            base_template=appbuilder.base_template,
        )
        return page, 400
