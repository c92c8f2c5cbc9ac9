"""Creating and revoking a user's calendar feed."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction

from .models import CalendarFeed

TOKEN_BYTES = 32  # 256 bits: the link is the only key


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def feed_create(*, user) -> str:
    """A new secret link for ``user``, replacing any earlier one; the token is returned once, never stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": token_hash(token), "used_at": None})
    return token


def feed_revoke(*, user) -> bool:
    deleted, _ = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)
