"""The keys production cannot run without, checked where processes start.

Settings load without them (so that ``makemigrations --check``, ``collectstatic`` or ``check --deploy``
work on a build machine with no secrets), but the web application, the Celery worker and the deploy
check refuse to go on, and every use of a missing key fails loudly instead of hashing or encrypting
with an empty one.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

REQUIRED = {
    "SECRET_KEY": "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS": "FIELD_ENCRYPTION_KEY",
    "DUPLICATE_HASH_KEY": "DUPLICATE_HASH_KEY (or SECRET_KEY)",
}


def _is_set(setting: str) -> bool:
    try:
        return bool(getattr(settings, setting, None))
    except ImproperlyConfigured:  # Django refuses to hand out an empty SECRET_KEY
        return False


# The Django admin's path when ADMIN_URL is not set: every scanner tries it, so production must choose another.
DEFAULT_ADMIN_URL = "django-admin/"


def admin_url_problem() -> str | None:
    """Why the admin's path is not fit for production, or None."""
    if settings.DEBUG:
        return None
    path = settings.ADMIN_URL.strip("/").lower()
    if not path or path in {DEFAULT_ADMIN_URL.strip("/"), "admin", "django-admin"}:
        return "ADMIN_URL is the default (set a path of your own, e.g. a random one)"
    return None


def backup_key_problem() -> str | None:
    """Why BACKUP_ENCRYPTION_KEY cannot be used, or None (unset is allowed: archives are then not encrypted)."""
    from cryptography.fernet import Fernet

    backup_keys = [k.strip() for k in settings.BACKUP_ENCRYPTION_KEYS if k.strip()]
    for key in backup_keys:
        try:
            Fernet(key.encode())
        except ValueError:
            return "BACKUP_ENCRYPTION_KEY is not a valid Fernet key"
    field_keys = {k.strip() for k in settings.FIELD_ENCRYPTION_KEYS}
    if field_keys.intersection(backup_keys):
        return "BACKUP_ENCRYPTION_KEY is one of the field encryption keys (keep the backup key apart: a key of its own)"
    return None


def missing_secrets() -> list[str]:
    """Environment variables still to set (none in DEBUG, where dev-only keys stand in)."""
    return [variable for setting, variable in REQUIRED.items() if not _is_set(setting)]


def require_secrets() -> None:
    missing = missing_secrets()
    if missing:
        raise ImproperlyConfigured(f"Set {', '.join(missing)} in the environment (DEBUG is off).")


@checks.register(checks.Tags.security, deploy=True)
def check_secrets(app_configs=None, **kwargs):
    return [
        checks.Error(f"{variable} is not set.", hint="Set it in the environment.", id="ceis.E001")
        for variable in missing_secrets()
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_admin_url(app_configs=None, **kwargs):
    problem = admin_url_problem()
    if problem is None:
        return []
    return [checks.Error(f"{problem}.", hint="Set ADMIN_URL in the environment.", id="ceis.E002")]


@checks.register(checks.Tags.security, deploy=True)
def check_backup_key(app_configs=None, **kwargs):
    problem = backup_key_problem()
    if problem is None:
        return []
    return [checks.Error(f"{problem}.", hint="Generate a Fernet key of its own for backups.", id="ceis.E003")]


def warm_up() -> None:
    """Do at a web worker's start what its first request would otherwise do: import every view (the URLconf) and
    load the translation catalogues of every language.

    gunicorn imports only ``ceis.wsgi``; Django imports the URLconf, and with it every app's views, forms and
    template tags, at the first request that resolves a URL. On the bench machine that was ~0.6 s added to the
    first page each worker answered (the same page warm: 20 ms), so after every start or deploy the first users
    waited behind four such requests (bench/README.md, "Cold workers"). Nothing here reads the database or any
    record.
    """
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018  (the property imports ceis.urls and every include)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Italian")
