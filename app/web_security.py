"""What every response and every start-up must hold, whatever the view: a real secret key,
the client address as the trusted proxies report it, and the security headers."""

from __future__ import annotations

from flask import Flask
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

# keys a deployment must never run with: the values once committed for development
KNOWN_KEYS = frozenset({"development-only-key-never-used-in-production"})
MIN_SECRET_LENGTH = 32

# The generated screens (Flask-AppBuilder's templates) still carry inline scripts and styles,
# so scripts and styles may be inline; everything else comes from the app's own origin only.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


class InsecureConfiguration(RuntimeError):
    """The app refuses to start: the configuration would not protect its users."""


def check_secret_key(app: Flask) -> None:
    """Outside development and tests the session signing key must be a real secret."""
    if app.config.get("DEVELOPMENT") or app.config.get("TESTING"):
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = "development-only-key-never-used-in-production"
        return
    key = app.config.get("SECRET_KEY") or ""
    if key in KNOWN_KEYS or len(key) < MIN_SECRET_LENGTH:
        raise InsecureConfiguration(
            "SECRET_KEY must be set to a random value of at least "
            f"{MIN_SECRET_LENGTH} characters (environment or instance/secret_key); "
            "e.g. python -c 'import secrets; print(secrets.token_hex(32))'"
        )


def trust_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT reverse proxies the client address, scheme and host come from their
    X-Forwarded-* headers, so rate limits count clients and not the proxy."""
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count
        )


def add_security_headers(app: Flask) -> None:
    """CSP, frame-ancestors, nosniff, Referrer-Policy on every response; HSTS on HTTPS."""
    Talisman(
        app,
        force_https=bool(app.config.get("FORCE_HTTPS")),
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="strict-origin-when-cross-origin",
        # the cookie flags stay those of the configuration (SESSION_COOKIE_SECURE behind HTTPS)
        session_cookie_secure=bool(app.config.get("SESSION_COOKIE_SECURE")),
        session_cookie_http_only=True,
        session_cookie_samesite=app.config.get("SESSION_COOKIE_SAMESITE", "Lax"),
        strict_transport_security=True,
        x_content_type_options=True,
        permissions_policy={"geolocation": "()", "microphone": "()", "camera": "()"},
    )
