from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "ceis.service"
    label = "service"
    verbose_name = _("Service settings")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import ServiceSettings

        auditlog.register(ServiceSettings, exclude_fields=["logo"])
