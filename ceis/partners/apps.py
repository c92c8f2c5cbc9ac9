from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "ceis.partners"
    label = "partners"
    verbose_name = _("Partner bodies")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import PartnerBody, PartnerContact

        auditlog.register(PartnerBody)
        auditlog.register(PartnerContact)
