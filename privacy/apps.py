from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Data protection")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models as m

        # Setting and lifting a restriction or a legal hold, and each erasure, leave an audit row
        # (create/delete) with ids only: the free-text reason never reaches the audit log.
        auditlog.register(m.Restriction, exclude_fields=["reason"])
        auditlog.register(m.LegalHold, exclude_fields=["reason"])
        auditlog.register(m.Erasure)
        auditlog.register(m.RetentionRule)
