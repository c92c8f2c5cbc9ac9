from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ceis.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from ceis import startup  # noqa: F401  (registers the deploy check of the secrets)

        from . import signals  # noqa: F401
