"""Settings for ceis, read from the environment (django-environ).

Embedded default (``DEBUG=1``): SQLite, Celery eager, e-mail to the console.
Production shape: ``DATABASE_URL`` (PostgreSQL), ``CELERY_BROKER_URL`` (Redis), real keys.
Every variable is listed in README.md.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# Development-only fallbacks, used only with DEBUG on. Outside DEBUG the keys have no default: settings
# still load (build steps need no secrets), but the web app, the worker and `check --deploy` refuse to
# start without them, and any use of a missing key fails (ceis/startup.py, ceis/crypto.py).
_DEV_SECRET_KEY = "dev-only-insecure-secret-key-for-the-local-demo"
_DEV_FIELD_KEY = "dTSyb7SxOlV0a18g25ywVuajt8tvefHN7_9dHBhIBd0="

SECRET_KEY = env("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")

# Fernet keys for encrypted fields, newest first: FIELD_ENCRYPTION_KEY encrypts (it may also list older keys after
# a comma, as before), FIELD_ENCRYPTION_KEYS_OLD are older keys still accepted for reading until
# ``manage.py rotate_encryption_key`` has re-encrypted every value with the newest (README, Key rotation).
FIELD_ENCRYPTION_KEYS = [
    key.strip()
    for key in env.list("FIELD_ENCRYPTION_KEY", default=[_DEV_FIELD_KEY] if DEBUG else [])
    + env.list("FIELD_ENCRYPTION_KEYS_OLD", default=[])
    if key.strip()
]
# Fernet key(s) for backup archives (``manage.py backup``), newest first; never one of the field keys, kept apart
# from them (README, Backup and restore). Unset: archives are written unencrypted.
BACKUP_ENCRYPTION_KEYS = [key.strip() for key in env.list("BACKUP_ENCRYPTION_KEY", default=[]) if key.strip()]
# Key for the keyed hash used in duplicate detection (HMAC-SHA256); defaults to a derivation of SECRET_KEY.
DUPLICATE_HASH_KEY = env("DUPLICATE_HASH_KEY", default=SECRET_KEY)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_countries",
    "guardian",
    "auditlog",
    "csp",
    "ceis.accounts",
    "ceis.partners",
    "ceis.audit",
    "ceis.notifications",
    "ceis.service",
    "ceis.feeds",
    "ceis.ops",
    "referrals",
    "interviews",
    "materials",
    "groups",
    "protection",
    "caseload",
    # The statistics: named "stats", since a top-level "statistics" would shadow Python's own module.
    "stats",
    # Development data (demo, load and scale seeding): commands only, no models, no URLs.
    "devdata",
    "privacy",
    "documents",
    # Consent, legal bases without consent and the register of sharing (GDPR art. 9, 25): ceis/consent.
    "ceis.consent",
    # One-time submission tokens: a creating form saves once, however often it is sent (ceis/submissions).
    "ceis.submissions",
    # Closures by operators that wait for a coordinator's approval: ceis/approvals.
    "ceis.approvals",
    # The referral portal of the partner bodies (role ``ente``).
    "portal",
    # The REST API (api/): Django REST framework, its OpenAPI 3 schema (drf-spectacular), personal tokens.
    "rest_framework",
    "drf_spectacular",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "ceis.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "ceis.requests.StripNulMiddleware",  # after CSRF: its process_view reads the POST first
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ceis.accounts.middleware.UserLanguageMiddleware",
    "ceis.accounts.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ceis.audit.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "ceis.urls"
WSGI_APPLICATION = "ceis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "ceis.notifications.context_processors.unread_notifications",
                "ceis.approvals.context_processors.pending_closures",
            ],
            "libraries": {
                "ceis_tags": "ceis.templatetags.ceis_tags",
                "layouts": "ceis.templatetags.layouts",
                "nav": "ceis.templatetags.nav",
            },
            "builtins": ["ceis.submissions.templatetags.submissions"],  # {% submission_token %} everywhere
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Served (DEBUG off): keep each worker thread's connection for a minute instead of opening one per request
# (~3-5 ms of connection set-up and authentication each time), checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # PostgreSQL's JIT compiles the plans of the statistics' aggregates: 50-200 ms of compiling for queries
    # that run in tens of milliseconds (bench/README.md). Off for this application's connections only.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = (options.get("options", "") + " -c jit=off").strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "ceis.accounts.backends.ModelBackend",  # Django's, with roles and permissions read in one query
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "ceis.accounts.hashers.Argon2idPasswordHasher",  # Argon2id at OWASP's minimum (m=19 MiB, t=2, p=1)
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "ceis.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ADMIN_URL = env("ADMIN_URL", default="django-admin/")  # refused in production (ceis.startup, check ceis.E002)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# guardian: no anonymous user row; object permissions live in direct-FK tables.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Italian dates as Italian writes them ("5 dicembre 2026"): ceis/formats/it/formats.py.
FORMAT_MODULE_PATH = ["ceis.formats"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Uploaded files (materials) live outside static/public paths and are served only through
# permission-checked views; there is deliberately no MEDIA_URL route.
# With more than one web machine, MEDIA_ROOT is storage they all mount at this path (README: "More than one web
# machine").
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "private_media")
MATERIAL_MAX_UPLOAD_MB = env.int("MATERIAL_MAX_UPLOAD_MB", default=50)
# Case documents (scans, letters, certificates): larger requests are refused before their body is read.
DOCUMENT_MAX_UPLOAD_MB = env.int("DOCUMENT_MAX_UPLOAD_MB", default=20)
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Cache (README: "More than one web machine") ---
# Production: one Redis that every web machine shares, through Django's built-in Redis cache, e.g.
# CACHE_URL=redis://redis-host:6379/1 (a database of its own, apart from the broker's); ceis.preflight refuses
# anything else outside DEBUG. locmem:// (each process its own memory) is for development and the tests.
CACHE_URL = env("CACHE_URL", default="") or "locmem://"
if CACHE_URL.startswith(("locmem://", "locmemcache://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {"default": environ.Env.cache_url_config(CACHE_URL)}  # django-environ's schemes (redis://, ...)
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES["default"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
    # A Redis that does not answer must not hold a request: the pages that cache work without it.
    CACHES["default"].setdefault("OPTIONS", {}).update(socket_connect_timeout=1, socket_timeout=1)
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="ceis")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: eager in the embedded default, Redis in production. Tasks take ids only.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL.startswith("memory"))
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A down broker must not hold a request: one quick retry, then the row waits for the periodic resend.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "socket_connect_timeout": 2,
    "socket_timeout": 2,
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "resend-unsent-notifications": {
        "task": "ceis.notifications.tasks.send_pending_emails",
        "schedule": 300.0,
    },
    "interview-reminders": {
        "task": "interviews.tasks.send_interview_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "session-reminders": {
        "task": "groups.tasks.send_session_reminders",
        "schedule": crontab(hour=7, minute=5),
    },
    "pathway-reminders": {
        "task": "protection.tasks.send_pathway_reminders",
        "schedule": crontab(hour=7, minute=15),
    },
    "service-overdue-reminders": {
        "task": "protection.service_referrals.tasks.send_service_overdue_reminders",
        "schedule": crontab(hour=7, minute=20),
    },
    "monthly-report": {
        "task": "caseload.tasks.build_monthly_report",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
    # Statistics snapshots: re-count what changes marked stale (so the next view is quick), and every
    # snapshot once a day (stats/snapshots.py).
    "purge-expired-submissions": {
        "task": "ceis.submissions.tasks.purge_expired_submissions",
        "schedule": crontab(hour=3, minute=10),
    },
    "refresh-statistics": {
        "task": "caseload.tasks.refresh_statistics",
        "schedule": 600.0,
    },
    # ... and count ahead the months no one has viewed yet, a few years per run (stats.snapshots.prepare).
    "prepare-statistics": {
        "task": "stats.tasks.prepare_statistics",
        "schedule": 600.0,
    },
}

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ceis <noreply@localhost>")
# Absolute base used in e-mailed links (no personal data ever goes in them).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# auditlog: the actor comes from AuditlogMiddleware; reads are logged with the ``accessed`` signal.
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False
# Only behind a reverse proxy that overwrites X-Forwarded-For: otherwise a client could forge the audited IP.
TRUST_X_FORWARDED_FOR = env.bool("TRUST_X_FORWARDED_FOR", default=False)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 10 * 60 * 60
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- HTTPS, security headers and Content-Security-Policy (README: "Security headers") ---
# HTTPS only outside DEBUG; /healthz answers over plain HTTP too (a load balancer's probe).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients): opt-in only.
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preloading binds the whole registered domain to HTTPS in every browser for months: the domain owner's
# decision, so off unless asked for. With it off, Django's advisory warning W021 is silenced on purpose.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The covering indexes' INCLUDE columns are a PostgreSQL optimisation; SQLite (the embedded default) builds
    # the same indexes without them, which is all it needs.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True
# Strict CSP (django-csp 4): every script and style is a static file of our own; an inline element that is
# really needed carries nonce="{{ request.csp_nonce }}". data: images are Bootstrap's own SVG icons
# (select arrows, check marks, the navbar toggler) that its CSS embeds.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# Features no page uses, denied to every origin (ceis/headers.py).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # ceis/logs.py: control characters escaped in every record, tampered requests logged as one warning line.
    "filters": {"escape_control_characters": {"()": "ceis.logs.EscapeControlCharacters"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["escape_control_characters"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # Django's own handlers (console in DEBUG, mail_admins) would print unfiltered records: only the root's.
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}

# Referral lists
REFERRALS_PAGE_SIZE = env.int("REFERRALS_PAGE_SIZE", default=25)
CASELOAD_NO_INTERVIEW_DAYS = env.int("CASELOAD_NO_INTERVIEW_DAYS", default=7)
CASELOAD_URGENT_NO_INTERVIEW_DAYS = env.int("CASELOAD_URGENT_NO_INTERVIEW_DAYS", default=2)

# The REST API (api/, README "Tokens and the API"): JSON only (no browsable API: its pages carry inline
# script), personal bearer tokens only, cursor pages, a request budget per token.
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=50)
API_THROTTLE_RATE = env("API_THROTTLE_RATE", default="600/min")
API_TOKEN_DEFAULT_DAYS = env.int("API_TOKEN_DEFAULT_DAYS", default=30)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ceis API",
    "DESCRIPTION": "Referrals, interviews, pathways and statistics of the CeIS anti-trafficking service, within "
    "the access of the token's owner. Send a personal token as `Authorization: Bearer ceis_...`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

# Data-subject rights and retention (privacy/). The nightly task lists what the retention rules would
# act on; a listed record is acted on only once it has waited this many days without a coordinator
# excluding it (and is still due, and not under legal hold, at that moment).
RETENTION_REVIEW_DAYS = env.int("RETENTION_REVIEW_DAYS", default=14)
CELERY_BEAT_SCHEDULE["retention-nightly"] = {
    "task": "privacy.tasks.run_retention",
    "schedule": crontab(hour=2, minute=30),
}
# --- Authentication hardening (OWASP ASVS L2): two-factor login, lockout, session limits, cookies ---
# Two-factor login (django-two-factor-auth on django-otp: TOTP devices and backup codes). With REQUIRE_2FA on,
# every account logs in with a second factor; one without a device is sent to set one up and reaches nothing
# else until done (ceis/accounts/middleware.py reads the setting at request time).
REQUIRE_2FA = env.bool("REQUIRE_2FA", default=not DEBUG)
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "two_factor",
    "axes",
]
_AUTH_INDEX = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
MIDDLEWARE[_AUTH_INDEX + 1 : _AUTH_INDEX + 1] = [
    "ceis.accounts.middleware.SessionLimitsMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ceis.accounts.middleware.RequireTwoFactorMiddleware",
    # Partner and network accounts: their own pages only, 404 elsewhere (the admin included).
    "ceis.accounts.middleware.ConfinedRolesMiddleware",
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as django-axes asks
TWO_FACTOR_LOGIN_TIMEOUT = 600  # seconds between the password step and the code step
TWO_FACTOR_REMEMBER_COOKIE_AGE = None  # never skip the second factor on a "remembered" browser
OTP_TOTP_ISSUER = "ceis"

# Lockout (django-axes): the sixth wrong password in a row locks the account, whatever the IP it comes from,
# and the address it came from (six failures in a row from one address, across accounts: password spraying).
# A successful login resets both counters. Unlock early with `manage.py axes_reset_username USERNAME`
# (or `axes_reset_ip ADDRESS`), or from the accounts area.
AUTHENTICATION_BACKENDS.insert(0, "axes.backends.AxesStandaloneBackend")
AXES_FAILURE_LIMIT = 6
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "ceis.accounts.lockout.client_ip"
AXES_VERBOSE = False

# Set-password links e-mailed for accounts that an admin creates (one use; Django's reset tokens).
PASSWORD_RESET_TIMEOUT = env.int("SET_PASSWORD_LINK_HOURS", default=72) * 60 * 60

# Sessions end after SESSION_IDLE_TIMEOUT_MINUTES without a request and SESSION_ABSOLUTE_TIMEOUT_HOURS after
# login, by timestamps kept in the session (ceis/accounts/middleware.py); logging out or deactivating an
# account ends every session of it (``User.session_epoch`` is part of the session hash).
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_ABSOLUTE_TIMEOUT_HOURS = env.int("SESSION_ABSOLUTE_TIMEOUT_HOURS", default=10)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_HOURS * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # a session cookie: closing the browser ends the session too
SESSION_COOKIE_SAMESITE = "Lax"  # Strict would drop the session on links followed from e-mails
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token
if SESSION_COOKIE_SECURE:
    # __Host-: the browser accepts them only over HTTPS, for this exact host, on path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
