"""The session's idle timeout (SESSION_IDLE_SECONDS, 30 minutes by default): a session
records when its user last did something; a request after the timeout finds it logged out.

Requests a page makes by itself (the idle warning asking how long is left, the CSRF token
refreshed in the background, progress polls) do not count as activity: an open page alone
never keeps a session alive."""

from __future__ import annotations

import time

from flask import current_app, has_request_context, request, session

from app.rules.sessions import idle_expired, idle_remaining

LAST_ACTIVE = "_last_active"
# Flask-Login's and the app's own keys of a logged-in session
LOGIN_KEYS = ("_user_id", "_fresh", "_id", "_remember", "_generation", LAST_ACTIVE)
PASSIVE_ENDPOINTS = frozenset(
    {
        "SessionView.status",
        "FormPageView.csrf_token",
        "PackageContentView.pdf_status",
        "RegisterView.status",
        "static",
        "appbuilder.static",
    }
)


def clock() -> float:
    """Seconds since the epoch (tests move it)."""
    return time.time()


def idle_seconds() -> float:
    return float(current_app.config.get("SESSION_IDLE_SECONDS") or 30 * 60)


def warning_seconds() -> float:
    return float(current_app.config.get("SESSION_IDLE_WARNING_SECONDS") or 120)


def start() -> None:
    """A login: the session is active from now."""
    session[LAST_ACTIVE] = clock()


def still_active() -> bool:
    """Whether the request's session is within its idle timeout; an active request (not a
    page's own poll) counts as activity. A session past its timeout is logged out here."""
    now = clock()
    if idle_expired(session.get(LAST_ACTIVE), now, idle_seconds()):
        end()
        return False
    if not (has_request_context() and request.endpoint in PASSIVE_ENDPOINTS):
        session[LAST_ACTIVE] = now
    return True


def remaining() -> float:
    return idle_remaining(session.get(LAST_ACTIVE), clock(), idle_seconds())


def end() -> None:
    for key in LOGIN_KEYS:
        session.pop(key, None)
