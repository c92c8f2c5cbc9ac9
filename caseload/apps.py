from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseloadConfig(AppConfig):
    name = "caseload"
    verbose_name = _("Caseload review")

    def ready(self):
        from . import caseload_snapshots

        caseload_snapshots.connect()
