from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "materials"
    verbose_name = _("Materials library")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import Language, Material

        auditlog.register(Language)
        auditlog.register(Material, m2m_fields={"topics", "languages"})
