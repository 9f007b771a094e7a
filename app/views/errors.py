"""Refusals the user reads in Danish: an error page on screens, JSON on the APIs."""

from flask import current_app, g, jsonify, render_template, request
from flask_babel import gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from app.rules.enums import N_


def _wants_json() -> bool:
    return (
        request.is_json
        or request.path.startswith("/api/")
        or request.accept_mimetypes.best == "application/json"
    )


def _page(message: str, status: int):
    if _wants_json():
        return jsonify(error="refused", message=message), status
    appbuilder = current_app.appbuilder
    # errors can come before FAB has put the user on g for the page's navigation bar
    if not hasattr(g, "user"):
        g.user = current_user
    page = render_template(
        "error.html", message=message, appbuilder=appbuilder, base_template=appbuilder.base_template
    )
    return page, status


MESSAGES = {
    400: N_("Forespørgslen kunne ikke forstås."),
    403: N_("Du har ikke adgang til denne side."),
    404: N_("Siden findes ikke, eller du har ikke adgang til den."),
    405: N_("Handlingen er ikke tilladt her."),
    413: N_("Forespørgslen er for stor."),
    429: N_("For mange forsøg. Vent lidt, og prøv igen."),
}


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = gettext("Sikkerhedsnøglen er udløbet. Genindlæs siden og prøv igen.")
        if _wants_json():
            return jsonify(error="csrf", message=message), 400
        return _page(message, 400)

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code not in MESSAGES:
            return error
        return _page(gettext(MESSAGES[error.code]), error.code)

    # an id beyond what the database can hold names no row the user can see
    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def out_of_range(error):
        from app.extensions import db

        db.session.rollback()
        return _page(gettext(MESSAGES[404]), 404)

    @app.errorhandler(RecursionError)
    def too_deep(error):
        return _page(gettext(MESSAGES[400]), 400)
