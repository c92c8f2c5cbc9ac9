from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "protection"
    verbose_name = _("Social-protection programme")

    def ready(self):
        from auditlog.registry import auditlog

        from ceis.approvals.services import register_closure

        from . import services

        # An operator's closure may wait for a coordinator (ceis.approvals): this is how it is checked and done.
        register_closure(
            "protection.ProtectionPathway", check=services.pathway_close_check, close=services.pathway_close_approved
        )

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
