from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "ceis.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import ClosureRequest

        # The notes stay encrypted: never in an audit diff, not even as ciphertext.
        auditlog.register(ClosureRequest, exclude_fields=list(ClosureRequest.ENCRYPTED_FIELDS))
