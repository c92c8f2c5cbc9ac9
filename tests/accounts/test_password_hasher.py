"""Passwords: Argon2id at OWASP's minimum parameters, older hashes re-made at login (bench/README.md, Login)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher, make_password
from django.test import RequestFactory

from ceis.accounts.hashers import Argon2idPasswordHasher
from tests import factories

HASHERS = ["ceis.accounts.hashers.Argon2idPasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def test_the_hash_is_argon2id_with_owasp_minimum_parameters(settings):
    settings.PASSWORD_HASHERS = HASHERS
    encoded = make_password("a long enough passphrase")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    params = Argon2idPasswordHasher().params()
    assert (params.memory_cost, params.time_cost, params.parallelism) == (19 * 1024, 2, 1)
    assert params.type.name == "ID"


def test_a_hash_with_django_defaults_still_logs_in_and_is_remade(settings, db):
    settings.PASSWORD_HASHERS = HASHERS
    user = factories.OperatorFactory()
    old = Argon2PasswordHasher().encode("a long enough passphrase", Argon2PasswordHasher().salt())
    assert "m=102400,t=2,p=8" in old
    user.password = old
    user.save(update_fields=["password"])

    assert (
        authenticate(
            RequestFactory().post("/accounts/login/"), username=user.username, password="a long enough passphrase"
        )
        == user
    )
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert identify_hasher(user.password).algorithm == "argon2"
