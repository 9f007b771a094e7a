"""Configuration from environment variables; nothing secret is committed.

The embedded default (no variables set) is SQLite, Celery eager and mail to the log.
"""

import os
from pathlib import Path

from flask_appbuilder.const import AUTH_DB, AUTH_SAML

BASE_DIR = Path(__file__).resolve().parent


def _instance_secret() -> str | None:
    path = BASE_DIR / "instance" / "secret_key"
    if not path.exists():
        return None
    return path.read_text().strip() or None


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    APP_NAME = "Almen styringsdialog"
    APP_ICON = ""
    # set in the environment, or kept in instance/secret_key (made by scripts/run); the app
    # refuses to start without a real one outside development (app.web_security)
    SECRET_KEY = os.environ.get("SECRET_KEY") or _instance_secret()
    DEVELOPMENT = _flag("APP_DEVELOPMENT", False)
    # JSON Web Tokens from /api/v1/security/login: off unless asked for
    API_TOKEN_LOGIN = _flag("API_TOKEN_LOGIN", False)
    # reverse proxies in front of the app whose X-Forwarded-* headers are trusted
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    # HTTPS in front of the app: redirect plain HTTP and send HSTS
    FORCE_HTTPS = _flag("FORCE_HTTPS", False)

    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or (
        f"sqlite:///{BASE_DIR / 'instance' / 'styringsdialog.db'}"
    )
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    # Alembic owns the schema; FAB only syncs roles and permissions afterwards.
    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = _flag("FAB_UPDATE_PERMS", False)
    FAB_SECURITY_MANAGER_CLASS = "app.security.AppSecurityManager"
    FAB_ADD_SECURITY_API = DEVELOPMENT
    FAB_API_SWAGGER_UI = DEVELOPMENT
    FAB_ADD_SECURITY_PERMISSION_VIEW = False
    FAB_ADD_SECURITY_VIEW_MENU_VIEW = False
    FAB_ADD_SECURITY_PERMISSION_VIEWS_VIEW = False
    FAB_INDEX_VIEW = "app.views.overview.HomeView"
    FAB_BASE_TEMPLATE = "layout.html"
    FAB_SAFE_REDIRECT_HOSTS = [
        h.strip() for h in os.environ.get("SAFE_REDIRECT_HOSTS", "").split(",") if h.strip()
    ]
    FAB_API_MAX_PAGE_SIZE = 500
    # an organisation's case system reads and fills through /api/v1 with a key of its own
    # (app/services/api_keys.py): "Authorization: Bearer sdk_..."
    FAB_API_KEY_ENABLED = True
    FAB_API_KEY_PREFIXES = ["sdk_"]
    # requests per key, whatever the address
    API_KEY_RATE_LIMIT = os.environ.get("API_KEY_RATE_LIMIT", "120 per minute")

    # login with MitID Erhverv through NemLog-in (OIOSAML 3): off in the embedded default
    SAML_ENABLED = _flag("SAML_ENABLED", False)
    AUTH_TYPE = AUTH_SAML if SAML_ENABLED else AUTH_DB
    # who may log in with a password: "all" (the default without SAML, and the demo world),
    # "lbf" (LBF's staff only: the default with SAML) or "none"
    PASSWORD_LOGIN = os.environ.get("PASSWORD_LOGIN", "lbf" if SAML_ENABLED else "all")
    # the service provider's entity id (default: its metadata's address), certificate and key
    SAML_SP_ENTITY_ID = os.environ.get("SAML_SP_ENTITY_ID")
    SAML_SP_CERT_FILE = os.environ.get("SAML_SP_CERT_FILE")
    SAML_SP_KEY_FILE = os.environ.get("SAML_SP_KEY_FILE")
    # NemLog-in's metadata: a file, or an address read once at start-up
    SAML_IDP_METADATA_FILE = os.environ.get("SAML_IDP_METADATA_FILE")
    SAML_IDP_METADATA_URL = os.environ.get("SAML_IDP_METADATA_URL")
    SAML_IDP_ENTITY_ID = os.environ.get("SAML_IDP_ENTITY_ID")
    # the lowest NSIS assurance level let in: Substantial or High
    SAML_LOA_MINIMUM = os.environ.get("SAML_LOA_MINIMUM", "Substantial")
    # NemLog-in encrypts its assertions to the service provider's certificate
    SAML_WANT_ASSERTIONS_ENCRYPTED = _flag("SAML_WANT_ASSERTIONS_ENCRYPTED", True)
    # LBF's own CVR number: its staff's MitID Erhverv logins belong to LBF
    SAML_LBF_CVR = os.environ.get("SAML_LBF_CVR")
    AUTH_ROLE_ADMIN = "LBF"
    AUTH_ROLE_PUBLIC = "Public"
    AUTH_USER_REGISTRATION = False
    AUTH_RATE_LIMITED = _flag("AUTH_RATE_LIMITED", True)
    # login attempts per client address and user name: one user's lockout is not another's
    AUTH_RATE_LIMIT = os.environ.get("AUTH_RATE_LIMIT", "10 per 20 second")
    # all login attempts from one client address, whatever the user name
    AUTH_RATE_LIMIT_PER_ADDRESS = os.environ.get("AUTH_RATE_LIMIT_PER_ADDRESS", "100 per minute")
    RATELIMIT_ENABLED = AUTH_RATE_LIMITED
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session (long autosave sessions)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = int(os.environ.get("SESSION_LIFETIME_SECONDS", 8 * 3600))
    # a session idle this long is logged out; the page warns this many seconds before
    SESSION_IDLE_SECONDS = round(float(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60)
    SESSION_IDLE_WARNING_SECONDS = int(os.environ.get("SESSION_IDLE_WARNING_SECONDS", "120"))
    # how long an invitation's link may be used
    INVITATION_VALID_DAYS = int(os.environ.get("INVITATION_VALID_DAYS", "7"))
    # a request body is read only up to 25 MB (room for attachments); larger answers 413.
    # JSON bodies (autosave, API) are limited further in app/views/errors.py
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "da"
    BABEL_DEFAULT_FOLDER = "translations"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = {
        "da": {"flag": "dk", "name": "Dansk"},
        "en": {"flag": "gb", "name": "English"},
    }

    QUESTIONNAIRE_VERSION = os.environ.get("QUESTIONNAIRE_VERSION", "2026.1")

    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL")
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_FROM = os.environ.get("MAIL_FROM", "noreply@styringsdialog.local")
    # reminders: the days (dd-mm) each municipality hears of what is outstanding, and how
    # many days before its deadline an organisation is reminded
    REMINDER_DATES = os.environ.get("REMINDER_DATES", "01-03,01-09")
    DEADLINE_REMINDER_DAYS = int(os.environ.get("DEADLINE_REMINDER_DAYS", "14"))
    # the address the platform is reached at, for links in e-mails
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    # the largest attachment or statement accepted (the request limit above leaves room)
    UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_MB", "20")) * 1024 * 1024


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-key-long-enough-for-hmac-sha256"
    API_TOKEN_LOGIN = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    AUTH_RATE_LIMITED = False
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = os.environ.get("TEST_RATELIMIT_STORAGE_URI", "memory://")
    # fast hashing keeps the per-test demo users cheap; production keeps FAB's scrypt
    FAB_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
