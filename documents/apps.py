from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Case documents")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Document

        # Neither the description nor the file (not even as ciphertext) reaches an audit diff.
        auditlog.register(Document, exclude_fields=list(Document.ENCRYPTED_FIELDS) + ["submission"])
