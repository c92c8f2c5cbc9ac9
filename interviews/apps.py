from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = _("Interviews")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import (
            CatalogueVersion,
            Indicator,
            IndicatorAnswer,
            Interview,
            InterviewList,
            Mediator,
            Report,
            SentReport,
        )

        # Narrative fields are encrypted and never reach an audit diff.
        auditlog.register(
            Interview,
            exclude_fields=[*Interview.ENCRYPTED_FIELDS, "same_sex_override_reason"],  # typed text stays out
            m2m_fields={"exploitation_forms"},
        )
        auditlog.register(IndicatorAnswer, exclude_fields=["note"])
        auditlog.register(Report, exclude_fields=list(Report.ENCRYPTED_FIELDS))
        auditlog.register(SentReport, exclude_fields=[*SentReport.ENCRYPTED_FIELDS, "sha256"])
        auditlog.register(Indicator)
        # Import (creation), publish and retire (status), verification: who and when, never the source's words.
        auditlog.register(
            CatalogueVersion,
            include_fields=[
                "audience",
                "exploitation",
                "status",
                "published_at",
                "retired_at",
                "verified_at",
                "verified_by",
            ],
        )
        auditlog.register(InterviewList)
        auditlog.register(Mediator, include_fields=["sex", "body", "active"])  # no name or language in a diff
