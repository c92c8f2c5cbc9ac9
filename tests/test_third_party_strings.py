"""Every string the two-factor libraries show users has an Italian translation (ours or the library's)."""

from __future__ import annotations

from pathlib import Path

import django_otp
import polib
import pytest
import two_factor
from django.conf import settings
from django.utils import translation

OURS = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "it" / "LC_MESSAGES" / "django.po"))


def _catalogue(package, language: str) -> polib.POFile | None:
    path = Path(package.__file__).parent / "locale" / language / "LC_MESSAGES" / "django.po"
    return polib.pofile(str(path)) if path.exists() else None


def _translated(catalogue: polib.POFile | None) -> set[str]:
    if catalogue is None:
        return set()
    return {e.msgid for e in catalogue if e.translated() and not e.obsolete}


LIBRARIES = {
    # django-otp ships no Italian: its German catalogue lists every string it translates.
    "django_otp": (django_otp, "de"),
    "two_factor": (two_factor, "it"),
}


@pytest.mark.parametrize("name", LIBRARIES)
def test_every_user_facing_string_of_the_library_is_in_italian(name):
    package, listing = LIBRARIES[name]
    strings = {e.msgid for e in _catalogue(package, listing) if not e.obsolete}
    known = _translated(OURS) | _translated(_catalogue(package, "it"))
    assert strings, f"no strings found for {name}: its catalogue moved?"
    assert sorted(strings - known) == []


def test_every_error_of_the_second_factor_reads_in_italian():
    from django_otp.forms import OTPAuthenticationFormMixin

    for code, message in OTPAuthenticationFormMixin.otp_error_messages.items():
        if code == "n_failed_attempts":
            continue
        with translation.override("it"):
            italian = str(message)
        with translation.override("en"):
            english = str(message)
        assert italian != english, code


def test_the_lockout_message_of_the_second_factor_counts_in_italian():
    from django_otp.forms import OTPAuthenticationFormMixin

    plural = OTPAuthenticationFormMixin.otp_error_messages["n_failed_attempts"]
    with translation.override("it"):
        one, three = str(plural % {"failure_count": 1}), str(plural % {"failure_count": 3})
    assert "1 tentativo fallito" in one
    assert "3 tentativi falliti" in three
