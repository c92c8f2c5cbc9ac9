from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Group information sessions")

    def ready(self):
        from auditlog.registry import auditlog

        from .models import AttendanceRow, GroupSession

        auditlog.register(GroupSession, m2m_fields={"topics", "languages", "materials"})
        auditlog.register(AttendanceRow)
