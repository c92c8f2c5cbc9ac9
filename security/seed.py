"""The scan's accounts: the demo (``seed_demo``), then an authenticator (TOTP device) for the scanned roles.

Run by ``scan.py`` in the scan's own environment with ``DEBUG=1`` (``seed_demo`` refuses otherwise), on the
scan's throw-away database. Prints, as JSON, each scanned account with its TOTP secret, which ``scan.py`` uses
to answer the login wizard's second step as an authenticator app would.
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = {"operator": "operatore1", "coordinator": "coordinatore"}


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceis.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from devdata.management.commands.seed_demo import PASSWORD

    call_command("seed_demo", stdout=io.StringIO())
    accounts = {}
    for role, username in ACCOUNTS.items():
        user = get_user_model().objects.get(username=username)
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
        accounts[role] = {
            "username": username,
            "password": PASSWORD,
            "totp": {"key": device.key, "step": device.step, "t0": device.t0, "digits": device.digits},
        }
    print(json.dumps(accounts))


if __name__ == "__main__":
    main()
