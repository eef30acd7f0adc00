"""TuSoi settings, read from the environment.

DATABASE_URL   dj-database-url syntax; default SQLite in var/ (WAL mode)
SECRET_KEY     required outside the demo; the demo generates one into var/
TUSOI_DEMO     "1" for the demo: DEBUG on, generated secret key
DEBUG          "1" to turn debugging on
ALLOWED_HOSTS  comma-separated
TUSOI_VAR_DIR  where SQLite, the secret key and uploads live (default ./var beside the code)
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("TUSOI_VAR_DIR", BASE_DIR.parent / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


DEMO = _flag("TUSOI_DEMO")
DEBUG = _flag("DEBUG") or DEMO


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    if DEMO or _flag("TUSOI_GENERATE_SECRET"):
        key = secrets.token_urlsafe(50)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key
    raise ImproperlyConfigured("SECRET_KEY is not set (only the demo generates one).")


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "tusoi.core",
    "tusoi.orgs",
    "tusoi.members",
    "tusoi.accounts",
    "tusoi.audit",
    "tusoi.tabular",
    "tusoi.jobs",
    "tusoi.imports",
    "tusoi.campaigns",
    "tusoi.reports",
    "tusoi.meetings",
    "tusoi.activities",
    "tusoi.monitoring",
    "tusoi.documents",
    "tusoi.notifications",
    "tusoi.dedup",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tusoi.accounts.middleware.ForcePasswordChangeMiddleware",
]

ROOT_URLCONF = "tusoi.urls"
WSGI_APPLICATION = "tusoi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tusoi.core.context_processors.tusoi",
                "tusoi.notifications.context_processors.notifications",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{VAR_DIR / 'tusoi.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE avoids upgrade deadlocks.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
            " PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling: this many failures for one username or one address within the window lock it.
TUSOI_LOGIN_MAX_FAILURES = int(os.environ.get("TUSOI_LOGIN_MAX_FAILURES", "5"))
TUSOI_LOGIN_WINDOW_SECONDS = int(os.environ.get("TUSOI_LOGIN_WINDOW_SECONDS", "900"))

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["tusoi.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = _flag("TUSOI_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tusoi@localhost")
# The address people open TuSoi at, for links in e-mails (e.g. https://tusoi.tinhuy.vn).
TUSOI_SITE_URL = os.environ.get("TUSOI_SITE_URL", "http://127.0.0.1:8000")

# Background jobs (huey). Default: a SQLite file under var/, no extra server. With
# TUSOI_REDIS_URL set, Redis carries the queue instead. The progress people see is in our own
# jobs table, not in huey's storage.
_redis_url = os.environ.get("TUSOI_REDIS_URL", "")
HUEY = {
    "name": "tusoi",
    "huey_class": "huey.RedisHuey" if _redis_url else "huey.SqliteHuey",
    "immediate": _flag("TUSOI_JOBS_IMMEDIATE"),
    "utc": True,
    "consumer": {"workers": int(os.environ.get("TUSOI_JOB_WORKERS", "2")), "worker_type": "thread"},
}
if _redis_url:
    HUEY["url"] = _redis_url
else:
    HUEY["filename"] = os.environ.get("TUSOI_HUEY_FILE", str(VAR_DIR / "huey.sqlite3"))

# Uploaded spreadsheets larger than this are refused before they are read.
TUSOI_UPLOAD_MAX_BYTES = int(os.environ.get("TUSOI_UPLOAD_MAX_BYTES", str(25 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
