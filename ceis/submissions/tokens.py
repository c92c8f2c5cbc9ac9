"""Issue and check submission tokens: signed (no row until used), random, bound to the user, expiring."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core import signing

FIELD = "submission_token"  # the hidden input's name
SALT = "ceis.submissions"
DEFAULT_MAX_AGE_HOURS = 12  # longer than any session (SESSION_ABSOLUTE_TIMEOUT_HOURS, 10 by default)


def max_age_seconds() -> int:
    return int(getattr(settings, "SUBMISSION_TOKEN_MAX_AGE_HOURS", DEFAULT_MAX_AGE_HOURS) * 3600)


class Refused(Exception):
    """The token cannot be used; ``reason`` is one of MISSING, INVALID, EXPIRED."""

    MISSING = "missing"
    INVALID = "invalid"
    EXPIRED = "expired"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Checked:
    digest: str
    issued_at: datetime


def issue(user) -> str:
    """A new token for ``user``: nothing is written until it is used."""
    return signing.dumps({"u": user.pk, "n": secrets.token_urlsafe(18), "t": int(time.time())}, salt=SALT)


def check(token: str | None, user) -> Checked:
    """The token's hash and time of issue, if it is this user's and still valid; else ``Refused``."""
    if not token:
        raise Refused(Refused.MISSING)
    if len(token) > 400:
        raise Refused(Refused.INVALID)
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise Refused(Refused.INVALID) from None
    if not isinstance(data, dict) or not {"u", "n", "t"} <= data.keys():
        raise Refused(Refused.INVALID)
    if data["u"] != getattr(user, "pk", None) or not isinstance(data["n"], str) or not isinstance(data["t"], int):
        raise Refused(Refused.INVALID)
    if time.time() - data["t"] > max_age_seconds():
        raise Refused(Refused.EXPIRED)
    digest = hashlib.sha256(data["n"].encode()).hexdigest()
    return Checked(digest=digest, issued_at=datetime.fromtimestamp(data["t"], tz=UTC))
