"""Refusals the user reads in Danish: an error page on screens, JSON on the APIs."""

from flask import current_app, g, jsonify, render_template, request
from flask_babel import gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import Forbidden, HTTPException

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


class RefusedHere(Forbidden):
    """A 403 that says why, in the user's language (`message` is translated already)."""

    def __init__(self, message: str):
        super().__init__()
        self.message = message


# a JSON body (autosave, API) is at most 1 MB; other posts keep MAX_CONTENT_LENGTH
MAX_JSON_LENGTH = 1024 * 1024

UNSTORABLE = N_(
    "Teksten indeholder tegn, der ikke kan gemmes (fx et nul-tegn eller et ufuldstændigt "
    "tegn). Ret teksten, og prøv igen."
)


def unstorable(text: str) -> bool:
    """A NUL (PostgreSQL text cannot hold it) or a lone surrogate (not encodable as UTF-8)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _holds_unstorable_text(req) -> bool:
    """Any query argument, form field or JSON string (keys and values, at any depth)."""
    pending: list = [*req.args.items(multi=True)]
    if req.method in ("POST", "PUT", "PATCH"):
        if req.is_json:
            pending.append(req.get_json(silent=True))
        else:
            pending.extend(req.form.items(multi=True))
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if unstorable(value):
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list | tuple):
            pending.extend(value)
    return False


# a list page number or size beyond this names no page
MAX_PAGE_ARG = 1_000_000


def _views_by_name(app) -> dict:
    return {view.__class__.__name__: view for view in app.appbuilder.baseviews}


def _list_args_refusal(app) -> str | None:
    """A generated list's page, page size or sort column from the address that the view does
    not have (FAB would answer with a 500 or a database error)."""
    views = None
    for name, value in request.args.items(multi=True):
        if name.startswith(("page_", "psize_")):
            # a page size beyond the maximum is cut down by the view; a page number is bounded
            limit = MAX_PAGE_ARG if name.startswith("page_") else 10**12
            if not (value.isascii() and value.isdigit()) or int(value) > limit:
                return gettext("Sidetallet kunne ikke forstås.")
        elif name.startswith("_oc_"):
            views = views or _views_by_name(app)
            view = views.get(name[len("_oc_") :])
            if view is None or value not in (getattr(view, "order_columns", None) or ()):
                return gettext("Listen kan ikke sorteres efter den kolonne.")
    return None


def _unknown_action(app) -> str | None:
    """A post to a generated view's `action_post` naming an action the view does not have."""
    endpoint = request.endpoint or ""
    if request.method != "POST" or not endpoint.endswith(".action_post"):
        return None
    view = _views_by_name(app).get(endpoint.rsplit(".", 1)[0])
    if view is None or request.form.get("action") not in (getattr(view, "actions", None) or {}):
        return gettext("Handlingen findes ikke.")
    return None


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
        message = getattr(error, "message", None) or gettext(MESSAGES[error.code])
        return _page(message, error.code)

    # an id beyond what the database can hold names no row the user can see
    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def out_of_range(error):
        from app.extensions import db

        db.session.rollback()
        return _page(gettext(MESSAGES[404]), 404)

    @app.before_request
    def refuse_unreadable_input():
        # before any view reads the request: JSON bodies are small (autosave, API; files come
        # later as form posts), and input FAB or the database would fail on is refused here
        if request.is_json:
            request.max_content_length = min(
                MAX_JSON_LENGTH, app.config.get("MAX_CONTENT_LENGTH") or MAX_JSON_LENGTH
            )
        # the generated views' file download: no model here has a file column (FAB answers 500)
        if (request.endpoint or "").endswith(".download"):
            return _page(gettext(MESSAGES[404]), 404)
        if _holds_unstorable_text(request):
            message = gettext(UNSTORABLE)
        else:
            message = _list_args_refusal(app) or _unknown_action(app)
        if message is None:
            return None
        if _wants_json():
            return jsonify(error="refused", message=message), 400
        return _page(message, 400)

    @app.errorhandler(RecursionError)
    def too_deep(error):
        return _page(gettext(MESSAGES[400]), 400)


# the English messages Flask-AppBuilder's REST API and marshmallow answer with, in Danish
API_MESSAGES = {
    "Unknown field.": N_("Ukendt felt."),
    "Forbidden": N_("Du har ikke adgang til dette."),
    "Not found": N_("Findes ikke, eller du har ikke adgang til det."),
    "Not authorized": N_("Du er ikke logget ind."),
    "Arguments are not correct": N_("Forespørgslen kunne ikke forstås."),
    "Could not process entity": N_("Posten kunne ikke behandles."),
    "Request is not JSON": N_("Forespørgslen skal være JSON."),
    "Not a valid rison/json argument": N_("Argumentet q kunne ikke forstås."),
    "Not a valid rison argument": N_("Argumentet q kunne ikke forstås."),
    "Fatal error": N_("Der opstod en fejl på serveren."),
    "Internal error": N_("Der opstod en fejl på serveren."),
    "Missing data for required field.": N_("Feltet skal udfyldes."),
    "Field may not be null.": N_("Feltet skal udfyldes."),
    "Not a valid integer.": N_("Ikke et gyldigt heltal."),
    "Not a valid number.": N_("Ikke et gyldigt tal."),
    "Not a valid string.": N_("Ikke en gyldig tekst."),
    "Not a valid boolean.": N_("Skal være sand eller falsk."),
    "Not a valid date.": N_("Ikke en gyldig dato."),
    "Not a valid datetime.": N_("Ikke et gyldigt tidspunkt."),
    "Invalid input type.": N_("Ugyldig type."),
    "Invalid value.": N_("Ugyldig værdi."),
}
# English messages with a value after a fixed beginning
API_MESSAGE_PREFIXES = {
    "Must be one of:": N_("Skal være en af:"),
    "Not a valid rison schema": N_("Argumentet q kunne ikke forstås."),
    "Database exception occurred": N_("Værdien kan ikke gemmes: den er ugyldig."),
}


def danish_api_message(message):
    """An API message (a text, or marshmallow's field -> [texts] mapping) in the user's
    language; texts that are already Danish pass through."""
    if isinstance(message, dict):
        return {key: danish_api_message(value) for key, value in message.items()}
    if isinstance(message, list | tuple):
        return [danish_api_message(value) for value in message]
    if not isinstance(message, str):
        return message
    if message in API_MESSAGES:
        return gettext(API_MESSAGES[message])
    for prefix, danish in API_MESSAGE_PREFIXES.items():
        if message.startswith(prefix):
            rest = message[len(prefix) :] if prefix == "Must be one of:" else ""
            return gettext(danish) + rest
    return message


def _json_or_none(value: str):
    import json

    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return None


def api_request_refusal() -> tuple[int, str] | None:
    """A REST request the API cannot read: `q` that is not a rison object, a body that is not
    a JSON object. FAB itself answers these with a 500."""
    import prison

    value = request.args.get("q")
    if value:
        try:
            parsed = prison.loads(value)
        except Exception:  # prison raises ValueError, TypeError, RecursionError ...
            parsed = _json_or_none(value)  # FAB also takes q as JSON
        if not isinstance(parsed, dict):
            return 400, gettext("Argumentet q kunne ikke forstås.")
    if request.method in ("POST", "PUT"):
        if not request.is_json:
            return 400, gettext("Forespørgslen skal være JSON.")
        if not isinstance(request.get_json(silent=True), dict):
            return 400, gettext("Forespørgslen skal være et JSON-objekt med felter og værdier.")
    return None
