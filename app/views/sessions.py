"""The session's idle timeout in the page (`app.session_idle` holds it on the server): how
long is left, without counting as activity, and "Forbliv logget ind"."""

from __future__ import annotations

from flask import jsonify
from flask_appbuilder import BaseView, expose
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app import session_idle


def _state():
    if not current_user.is_authenticated:
        return jsonify(authenticated=False, remaining=0)
    return jsonify(
        authenticated=True,
        remaining=round(session_idle.remaining(), 1),
        idle=round(session_idle.idle_seconds()),
        warning=round(session_idle.warning_seconds()),
        token=generate_csrf(),
    )


class SessionView(BaseView):
    route_base = "/session"
    default_view = "status"

    @expose("/status")
    def status(self):
        response = _state()
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/keep-alive", methods=["POST"])
    def keep_alive(self):
        """The request itself is the activity (the session was touched when it was opened)."""
        if not current_user.is_authenticated:
            return jsonify(authenticated=False, remaining=0), 401
        response = _state()
        response.headers["Cache-Control"] = "no-store"
        return response


def session_timeout() -> dict:
    """What the page's idle warning starts from."""
    return {
        "remaining": round(session_idle.remaining()),
        "idle": round(session_idle.idle_seconds()),
        "warning": round(session_idle.warning_seconds()),
    }


def register(app) -> None:
    app.jinja_env.globals["session_timeout"] = session_timeout
