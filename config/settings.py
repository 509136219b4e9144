"""One settings module, read from the environment.

SQLite under ``var/`` is the default so that a commune office can run the system on
one box; ``DATABASE_URL=postgres://...`` switches to PostgreSQL. Bad configuration
fails loudly at start-up rather than at the first request.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TUYENGIAO_VAR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true/false, got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # Development fallback: a per-install key kept under var/, never committed.
    # Production sets SECRET_KEY in the environment (see README).
    _key_file = VAR_DIR / "secret_key"
    if not _key_file.exists():
        import secrets

        _key_file.write_text(secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "tuyengiao.trust.library_apps.AdminConfig",  # django.contrib.admin, superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "django_tasks",
    "tuyengiao.trust.library_apps.TasksConfig",  # django_tasks.backends.database
    "auditlog",
    "tuyengiao.trust.library_apps.AxesConfig",  # axes
    "django_otp",
    "tuyengiao.trust.library_apps.TotpConfig",  # django_otp.plugins.otp_totp
    "tuyengiao.orgs",
    "tuyengiao.imports",
    "tuyengiao.documents",
    "tuyengiao.study",
    "tuyengiao.presenters",
    "tuyengiao.periods",
    "tuyengiao.essays",
    "tuyengiao.surveys",
    "tuyengiao.media",
    "tuyengiao.followup",
    "tuyengiao.contests",
    "tuyengiao.reports",
    "tuyengiao.snapshots",
    "tuyengiao.trust",
    "tuyengiao.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tuyengiao.trust.middleware.ForwardedForMiddleware",
    "tuyengiao.trust.middleware.BadInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Answers that may be part of a page for htmx vary on its headers (lib/http.py).
    "tuyengiao.lib.http.HtmxVaryMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
    "tuyengiao.trust.middleware.TwoFactorMiddleware",
    "tuyengiao.trust.middleware.SecurityHeadersMiddleware",
    # Last, so its process_exception runs first: Vietnamese error pages even with DEBUG on.
    "tuyengiao.trust.middleware.VietnameseErrorPagesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tuyengiao" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tuyengiao.orgs.context_processors.current_role",
            ],
            "builtins": [
                "tuyengiao.templatetags_builtins",
                "template_partials.templatetags.partials",
            ],
        },
    }
]

# --- database -------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tuyengiao.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")))
except Exception as exc:  # dj-database-url raises several types; all mean bad config
    raise ImproperlyConfigured(f"DATABASE_URL is not valid: {exc}") from exc

if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue on busy_timeout instead of failing with
    # "database is locked" when one upgrades a read lock mid-transaction.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }
    _db["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}
elif _db["ENGINE"] in {"django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2"}:
    _db["ENGINE"] = "django.db.backends.postgresql"
    # Django turns psycopg's prepared statements off (prepare_threshold None), which
    # also ignores ``prepare=True``: the check-in's hot statements (``lib/db.py``)
    # would be planned on every scan. A threshold no query reaches keeps Django's
    # own queries unprepared (its cursors bind on the client) and lets those few
    # ask for it. Those are written so that one plan serves every call, and PostgreSQL
    # must use it: left to choose, it kept planning the check-in statement for every
    # group (its generic plan's estimate, with arrays of unknown length, looked dearer
    # than a plan for one scan), 1 ms of the database's CPU a group. Only prepared
    # statements have a plan cache, so Django's own queries are not affected.
    _db["OPTIONS"] = {
        "prepare_threshold": 1_000_000_000,
        "options": "-c plan_cache_mode=force_generic_plan",
    }
else:
    raise ImproperlyConfigured(
        f"Unsupported database engine {_db['ENGINE']}: use SQLite or PostgreSQL"
    )
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # axes' lock by username, then the lock by address (tuyengiao/trust/signin.py)
    "tuyengiao.trust.signin.SignInLockBackend",
    # Django's ModelBackend, the user read every request makes prepared (trust/sessions.py)
    "tuyengiao.trust.sessions.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: 5 failures within 15 minutes lock the username, from every address
# (ASVS 6.3; docs/security.md "Đăng nhập / sign-in locking"). The address axes
# records is the one trust decided (a trusted proxy's X-Forwarded-For or the peer).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_CLIENT_IP_CALLABLE = "tuyengiao.trust.services.client_ip"
# axes.W006 asks for ip_address in the parameters: it guards setups that lock by
# user agent or cookie. Ours locks the username alone, which no client header can
# rotate; adding the address would lock whole offices behind one NAT address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tuyengiao.trust.signin.lockout_response"
# Password spraying (one password tried on many usernames) stays under the username's
# limit: failures from one address, every username together, are limited too, high
# enough for an office behind one NAT address (docs/security.md).
SIGNIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("SIGNIN_ADDRESS_FAILURE_LIMIT", "30"))
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# Two-factor sign-in: roles listed here must have a confirmed TOTP device.
TWO_FACTOR_REQUIRED_ROLES = env_list("TWO_FACTOR_REQUIRED_ROLES", ["admin", "province_staff"])
TWO_FACTOR_ENFORCED = env_bool("TWO_FACTOR_ENFORCED", not DEBUG)
OTP_TOTP_ISSUER = "Tuyên giáo"
# The admin never shows a device's secret key or its QR code (trust/admin.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- i18n -----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["tuyengiao.formats"]
# Corrections to a few of Django's own Vietnamese form messages (see the .po there).
LOCALE_PATHS = [BASE_DIR / "tuyengiao" / "locale"]

# --- static and media -----------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Uploaded files hold personal data: readable by the server's user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# --- uploads: what one file may cost (docs/security.md, "Tệp tải lên / uploads") ------
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
UPLOAD_MAX_UNZIPPED_BYTES = int(os.environ.get("UPLOAD_MAX_UNZIPPED_BYTES", str(200 * 1024 * 1024)))
UPLOAD_MAX_ZIP_RATIO = int(os.environ.get("UPLOAD_MAX_ZIP_RATIO", "100"))
UPLOAD_MAX_ZIP_MEMBERS = int(os.environ.get("UPLOAD_MAX_ZIP_MEMBERS", "1000"))
UPLOAD_MAX_ROWS = int(os.environ.get("UPLOAD_MAX_ROWS", "500000"))
UPLOAD_MAX_COLUMNS = int(os.environ.get("UPLOAD_MAX_COLUMNS", "100"))
UPLOAD_MAX_CELLS = int(os.environ.get("UPLOAD_MAX_CELLS", "5000000"))
UPLOAD_MAX_TEXT_CHARS = int(os.environ.get("UPLOAD_MAX_TEXT_CHARS", "5000000"))
UPLOAD_MEMORY_MB = int(os.environ.get("UPLOAD_MEMORY_MB", "1536"))
UPLOAD_CPU_SECONDS = int(os.environ.get("UPLOAD_CPU_SECONDS", "120"))
UPLOAD_WALL_SECONDS = int(os.environ.get("UPLOAD_WALL_SECONDS", "180"))
# An import file that was previewed but never confirmed is deleted after this.
IMPORT_UPLOAD_TTL_HOURS = int(os.environ.get("IMPORT_UPLOAD_TTL_HOURS", "24"))

# --- background work ------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND", "django_tasks.backends.database.DatabaseBackend"
        ),
    }
}

# --- report layout (Party report, see docs) ------------------------------------
REPORT_MARGINS_MM = {
    "top": int(os.environ.get("REPORT_MARGIN_TOP_MM", "20")),
    "bottom": int(os.environ.get("REPORT_MARGIN_BOTTOM_MM", "20")),
    "left": int(os.environ.get("REPORT_MARGIN_LEFT_MM", "30")),
    "right": int(os.environ.get("REPORT_MARGIN_RIGHT_MM", "15")),
}
REPORT_PLACE = os.environ.get("REPORT_PLACE", "")
# Dashboards of units with more units under them than this are computed by the task
# worker and shown from a snapshot, asked again when older than the max age (seconds).
DASHBOARD_SNAPSHOT_UNITS = int(os.environ.get("DASHBOARD_SNAPSHOT_UNITS", "1000"))
DASHBOARD_SNAPSHOT_MAX_AGE = int(os.environ.get("DASHBOARD_SNAPSHOT_MAX_AGE", "60"))

# --- security -------------------------------------------------------------------
# Django's database sessions, read with one prepared statement (tuyengiao/trust/sessions.py)
SESSION_ENGINE = "tuyengiao.trust.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind a reverse proxy that sets X-Forwarded-For, the client's address for the
# audit trail comes from it; otherwise the header is ignored (it could be forged).
USE_X_FORWARDED_FOR = env_bool("USE_X_FORWARDED_FOR", False)
if env_bool("HTTPS", False):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# QR check-in (scan and check-out) is open from this many minutes before a session's
# start to this many after its end (docs/security.md "Điểm danh / check-in window").
CHECKIN_OPENS_MINUTES_BEFORE = int(os.environ.get("CHECKIN_OPENS_MINUTES_BEFORE", "60"))
CHECKIN_CLOSES_MINUTES_AFTER = int(os.environ.get("CHECKIN_CLOSES_MINUTES_AFTER", "120"))

# QR check-in token lifetime (seconds) and per-device throttle window.
CHECKIN_TOKEN_SECONDS = int(os.environ.get("CHECKIN_TOKEN_SECONDS", "30"))
CHECKIN_DEVICE_WINDOW_SECONDS = int(os.environ.get("CHECKIN_DEVICE_WINDOW_SECONDS", "180"))

# A member's activation code (printed by their unit, orgs.accounts) is valid this many days.
ACCOUNT_CODE_DAYS = int(os.environ.get("ACCOUNT_CODE_DAYS", "30"))

# An API key (api.keys) runs out after this many days at most.
API_KEY_MAX_DAYS = int(os.environ.get("API_KEY_MAX_DAYS", "365"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
