from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import ApiToken

        # Creation and revocation are in the audit trail; the hash, the typed name and the prefix never are (last use
        # is written without signals).
        auditlog.register(ApiToken, exclude_fields=["name", "prefix", "token_hash", "last_used_at"])
