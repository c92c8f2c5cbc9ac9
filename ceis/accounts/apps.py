from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ceis.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # The Django admin's own login form would skip the second factor: it sends to ours instead.
        from django.contrib import admin

        from ceis import startup  # noqa: F401  (registers the deploy check of the secrets)

        from . import signals  # noqa: F401
        from .views import admin_login

        admin.site.login = admin_login

        # Who changed whose access: role, active flag and language (no names or e-mail addresses in the trail).
        from auditlog.registry import auditlog

        from .models import User

        auditlog.register(User, include_fields=["is_active", "language"], m2m_fields={"groups"})
