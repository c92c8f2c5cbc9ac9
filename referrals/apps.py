from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from auditlog.registry import auditlog

        from ceis.approvals.services import register_closure

        from . import services

        # An operator's closure may wait for a coordinator (ceis.approvals): this is how it is checked and done.
        register_closure(
            "referrals.Referral", check=services.referral_close_check, close=services.referral_close_approved
        )

        from .models import Person, Referral

        # Encrypted fields never reach an audit diff, not even as ciphertext.
        auditlog.register(Person, exclude_fields=list(Person.ENCRYPTED_FIELDS) + ["duplicate_key"])
        auditlog.register(Referral, exclude_fields=list(Referral.ENCRYPTED_FIELDS), m2m_fields={"exploitation_forms"})
