from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = _("Interviews")

    def ready(self):
        from auditlog.registry import auditlog

        from . import demo  # noqa: F401  (connects the demo_seeded receiver)
        from .models import Indicator, IndicatorAnswer, Interview, Report, SentReport

        # Narrative fields are encrypted and never reach an audit diff.
        auditlog.register(Interview, exclude_fields=list(Interview.ENCRYPTED_FIELDS), m2m_fields={"exploitation_forms"})
        auditlog.register(IndicatorAnswer, exclude_fields=["note"])
        auditlog.register(Report, exclude_fields=list(Report.ENCRYPTED_FIELDS))
        auditlog.register(SentReport, exclude_fields=[*SentReport.ENCRYPTED_FIELDS, "sha256"])
        auditlog.register(Indicator)
