"""Refusals the user reads in Danish, as JSON for the autosave calls."""

from flask import jsonify, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = gettext("Sikkerhedsnøglen er udløbet. Genindlæs siden og prøv igen.")
        if _wants_json():
            return jsonify(error="csrf", message=message), 400
        return render_template("error.html", message=message), 400
