from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "protection"
    verbose_name = _("Social-protection programme")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models as m

        # Encrypted fields (the secret address, the diary, ...) never reach an audit diff.
        for model in (
            m.ProtectionPathway,
            m.PhaseChange,
            m.PlanGoal,
            m.GoalReview,
            m.Accommodation,
            m.LiteracyCourse,
            m.Training,
            m.JobPlacement,
            m.ResidencePermit,
            m.DiaryEntry,
            m.ServiceReferral,
            m.ServiceStatusChange,
        ):
            auditlog.register(model, exclude_fields=list(getattr(model, "ENCRYPTED_FIELDS", ())))
