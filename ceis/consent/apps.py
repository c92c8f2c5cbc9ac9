from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "ceis.consent"
    label = "consent"
    verbose_name = _("Consent")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Consent, ConsentWithdrawal, Disclosure, InformationNotice, LegalBasis

        # Audit entries hold ids, codes and dates only: no free text about a person or her interpreter.
        auditlog.register(InformationNotice)
        auditlog.register(Consent, exclude_fields=list(Consent.TEXT_FIELDS))
        auditlog.register(ConsentWithdrawal)
        auditlog.register(LegalBasis, exclude_fields=list(LegalBasis.TEXT_FIELDS))
        auditlog.register(Disclosure)
