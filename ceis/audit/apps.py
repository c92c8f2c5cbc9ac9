from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "ceis.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self):
        from auditlog.models import LogEntry
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete, pre_save

        from . import guards
        from .models import Event

        pre_save.connect(guards.scrub_log_entry, sender=LogEntry, dispatch_uid="ceis.audit.scrub_log_entry")
        pre_delete.connect(guards.refuse_delete, sender=LogEntry, dispatch_uid="ceis.audit.keep_log_entries")
        pre_delete.connect(guards.refuse_delete, sender=Event, dispatch_uid="ceis.audit.keep_events")
        pre_delete.connect(guards.keep_audited_users, sender=get_user_model(), dispatch_uid="ceis.audit.keep_users")
