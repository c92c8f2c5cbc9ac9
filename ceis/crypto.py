"""Encryption at rest (Fernet, keys from the environment) and the keyed hash for duplicate detection.

Encrypted fields cannot be filtered or sorted in SQL: fields used for filtering stay in clear,
and look-ups by name go through :func:`keyed_hash` columns instead.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is not set: encrypted fields cannot be read or written.")
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY holds an invalid Fernet key.") from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        # Never fall back to returning ciphertext (or plaintext) silently.
        raise ImproperlyConfigured("An encrypted field could not be decrypted with the configured keys.") from exc


class EncryptedTextField(models.TextField):
    """A text column stored as a Fernet token. Empty strings stay empty (nothing to hide)."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


class EncryptedBlobField(models.TextField):
    """A file kept as a Fernet token in a text column (case documents, reports as sent).

    No transparent decryption: the code that hands the file to its reader calls ``fernet().decrypt`` itself (and
    records the read). The class marks the column as encrypted for the tools that walk every encrypted value:
    key rotation and the backup drill (:func:`encrypted_columns`).
    """


class EncryptedCharField(EncryptedTextField):
    """An encrypted short text; ``max_length`` limits the clear text in forms, not the column."""

    def formfield(self, **kwargs):
        from django import forms

        defaults = {"form_class": forms.CharField, "max_length": self.max_length}
        defaults.update(kwargs)
        field = super().formfield(**defaults)
        field.widget = forms.TextInput(attrs=field.widget.attrs)
        if self.max_length:
            field.widget.attrs["maxlength"] = str(self.max_length)
        return field


def normalise_name(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of a name, with words sorted (order varies)."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    words = "".join(c if c.isalnum() else " " for c in text).split()
    return " ".join(sorted(words))


def keyed_hash(*parts: object) -> str:
    """HMAC-SHA256 of the parts: equal inputs match, the hash reveals nothing without the key."""
    if not settings.DUPLICATE_HASH_KEY:
        raise ImproperlyConfigured("DUPLICATE_HASH_KEY (or SECRET_KEY) is not set: names cannot be hashed.")
    message = "\x1f".join("" if p is None else str(p) for p in parts).encode()
    return hmac.new(settings.DUPLICATE_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()


class EncryptedDateField(EncryptedTextField):
    """A date stored as an encrypted ISO string; forms see an ordinary date field."""

    def to_python(self, value):
        return models.DateField().to_python(value)

    def from_db_value(self, value, expression, connection):
        value = super().from_db_value(value, expression, connection)
        return self.to_python(value) if value else None

    def get_prep_value(self, value):
        value = self.to_python(value)
        return encrypt(value.isoformat()) if value else None

    def formfield(self, **kwargs):
        from django import forms

        return models.Field.formfield(self, **{"form_class": forms.DateField, **kwargs})


ENCRYPTED_FIELD_CLASSES = (EncryptedTextField, EncryptedBlobField)


def encrypted_columns() -> dict[type[models.Model], list[models.Field]]:
    """Every concrete model with encrypted columns, and those columns: found by field class, never listed by hand."""
    from django.apps import apps

    found: dict[type[models.Model], list[models.Field]] = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        fields = [f for f in meta.concrete_fields if isinstance(f, ENCRYPTED_FIELD_CLASSES) and f.model is model]
        if fields:
            found[model] = fields
    return found
