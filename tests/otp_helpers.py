"""Second factors for tests: a confirmed TOTP device, the code its app would show now, a client login."""

from __future__ import annotations

from binascii import unhexlify

from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

# The login wizard's management field (its prefix comes from the view's class name, LoginView).
STEP_FIELD = "login_view-current_step"


def totp_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    """What the authenticator app shows now; one step ahead if this step's code was used already (no replay)."""
    device.refresh_from_db()
    totp = TOTP(unhexlify(device.key.encode()), device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        totp.drift += device.last_t + 1 - totp.t()
    return f"{totp.token():0{device.digits}d}"


def code_for_user(username: str) -> str:
    return code_for(TOTPDevice.objects.get(user__username=username, confirmed=True))


def log_in(client, username: str, password: str = PASSWORD, *, code: str | None = None):
    """Post the login wizard's steps as a browser would; returns the last response."""
    response = client.post(reverse("login"), {STEP_FIELD: "auth", "username": username, "password": password})
    if code is not None:
        response = client.post(reverse("login"), {STEP_FIELD: "token", "otp_token": code})
    return response
