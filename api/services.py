"""Creating, revoking and checking personal API tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ApiToken

PREFIX = "ceis_"
TOKEN_BYTES = 32  # 256 bits of randomness after the prefix
MAX_LENGTH = 100  # anything longer is not one of ours: refused before hashing
LAST_USED_EVERY = datetime.timedelta(minutes=1)  # when a token was last used, without a write per request


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def lifetime_days(days: int | None) -> int:
    """The lifetime asked for, bounded by ``API_TOKEN_MAX_DAYS`` (the default when none is asked)."""
    if not days:
        days = settings.API_TOKEN_DEFAULT_DAYS
    return max(1, min(int(days), settings.API_TOKEN_MAX_DAYS))


@transaction.atomic
def token_create(*, user, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``: the row and the secret, which is returned now and never stored."""
    secret = PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:80],
        prefix=secret[: len(PREFIX) + 4],
        token_hash=token_hash(secret),
        expires_at=timezone.now() + datetime.timedelta(days=lifetime_days(days)),
    )
    return token, secret


def token_revoke(*, user, pk: int) -> bool:
    """Revoke one of ``user``'s own tokens; False when it is not hers or already revoked."""
    token = ApiToken.objects.filter(user=user, pk=pk, revoked_at__isnull=True).first()
    if token is None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return True


def token_user(secret: str):
    """The token and its owner for a secret, or None: unknown, revoked, expired, or an inactive owner.

    One query (token and owner joined); the last use is written at most once a minute, without signals.
    """
    if not secret or len(secret) > MAX_LENGTH or not secret.startswith(PREFIX):
        return None
    token = ApiToken.objects.usable().select_related("user").filter(token_hash=token_hash(secret)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
