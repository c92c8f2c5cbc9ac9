"""``manage.py create_admin``: the first account of the admin role, without a Python shell.

Asks for the user name, the name, the e-mail and the password (twice, checked by the project's password
validators), or, with ``--no-input`` (or no terminal on stdin), reads them from the environment:
``CEIS_ADMIN_USERNAME``, ``CEIS_ADMIN_EMAIL``, ``CEIS_ADMIN_PASSWORD`` (required), ``CEIS_ADMIN_FIRST_NAME``,
``CEIS_ADMIN_LAST_NAME``, ``CEIS_ADMIN_LANGUAGE`` (optional). The account is in the ``amministratore`` Group
only (not staff, not superuser: the admin screens, no case content) and has no second factor yet, so with
``REQUIRE_2FA`` on (the production default) its first login leads to setting one up and nowhere else until it
is done. A user name or e-mail already taken is refused. The password is never printed or logged.
"""

from __future__ import annotations

import getpass
import os
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from ceis.accounts import roles

ENV = {
    "username": "CEIS_ADMIN_USERNAME",
    "email": "CEIS_ADMIN_EMAIL",
    "password": "CEIS_ADMIN_PASSWORD",
    "first_name": "CEIS_ADMIN_FIRST_NAME",
    "last_name": "CEIS_ADMIN_LAST_NAME",
    "language": "CEIS_ADMIN_LANGUAGE",
}
REQUIRED = ("username", "email", "password")


class Command(BaseCommand):
    help = (
        "Create an account of the admin role (amministratore), which sets up its second factor at its first login. "
        "Asks for the details, or reads CEIS_ADMIN_USERNAME, CEIS_ADMIN_EMAIL and CEIS_ADMIN_PASSWORD "
        "(and CEIS_ADMIN_FIRST_NAME, CEIS_ADMIN_LAST_NAME, CEIS_ADMIN_LANGUAGE) with --no-input."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Ask nothing: read the account from the CEIS_ADMIN_* environment variables.",
        )

    def handle(self, *args, interactive: bool = True, **options):
        # In English throughout, like Django's own commands: the validators' messages too.
        with translation.override("en"):
            self._create(interactive)

    def _create(self, interactive: bool) -> None:
        User = get_user_model()
        if interactive and not sys.stdin.isatty():
            interactive = False  # a pipe or a CI job: nobody to ask
        user = User(is_active=True, is_staff=False, is_superuser=False, language=settings.LANGUAGE_CODE)
        if interactive:
            password = self._ask(user)
        else:
            password = self._from_environment(user)
        self._refuse_duplicates(user)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("The password is refused: " + " ".join(error.messages)) from None
        user.set_password(password)
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as error:
            raise CommandError(_messages(error)) from None
        with transaction.atomic():
            user.save()
            user.groups.set([Group.objects.get(name=roles.ADMIN)])
        self.stdout.write(
            self.style.SUCCESS(f"Admin account {user.username!r} created (role {roles.ADMIN}).")
            + "\nAt its first login it sets up its second factor (an authenticator app) before anything else."
        )
        if not settings.REQUIRE_2FA:
            self.stderr.write(
                self.style.WARNING(
                    "REQUIRE_2FA is off here: nothing forces the second factor. In production leave REQUIRE_2FA "
                    "unset (on)."
                )
            )

    # ------------------------------------------------------------------------------------------ input

    def _from_environment(self, user) -> str:
        values = {field: os.environ.get(variable, "").strip() for field, variable in ENV.items()}
        values["password"] = os.environ.get(ENV["password"], "")  # as given: spaces may belong to it
        missing = [ENV[field] for field in REQUIRED if not values[field]]
        if missing:
            raise CommandError(f"Without a terminal, set {', '.join(missing)} (see README, First admin).")
        user.username, user.email = values["username"], values["email"]
        user.first_name, user.last_name = values["first_name"], values["last_name"]
        if values["language"]:
            user.language = values["language"]
        return values["password"]

    def _ask(self, user) -> str:
        User = type(user)
        while True:
            user.username = self._line("User name")
            if user.username and not User.objects.filter(username__iexact=user.username).exists():
                try:
                    user.clean_fields(exclude=[f.name for f in User._meta.fields if f.name != "username"])
                    break
                except ValidationError as error:
                    self.stderr.write(_messages(error))
            elif user.username:
                self.stderr.write(f"An account named {user.username!r} already exists: choose another user name.")
        user.first_name = self._line("First name", required=False)
        user.last_name = self._line("Last name", required=False)
        while True:
            user.email = self._line("E-mail")
            if User.objects.filter(email__iexact=user.email).exists():
                self.stderr.write("An account with this e-mail already exists: give another address.")
                continue
            try:
                user.clean_fields(exclude=[f.name for f in User._meta.fields if f.name != "email"])
                break
            except ValidationError as error:
                self.stderr.write(_messages(error))
        while True:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ: try again.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages))
                continue
            return password

    def _line(self, prompt: str, *, required: bool = True) -> str:
        while True:
            value = input(f"{prompt}: ").strip()
            if value or not required:
                return value
            self.stderr.write(f"{prompt} is required.")

    def _refuse_duplicates(self, user) -> None:
        User = type(user)
        if User.objects.filter(username__iexact=user.username).exists():
            raise CommandError(
                f"An account named {user.username!r} already exists: nothing was created. Choose another user name, "
                "or manage that account from the accounts area."
            )
        if User.objects.filter(email__iexact=user.email).exists():
            raise CommandError("An account with this e-mail already exists: nothing was created.")


def _messages(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return " ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
    return " ".join(error.messages)
