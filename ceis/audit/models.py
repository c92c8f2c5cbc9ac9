"""Security events: logins, failed logins, assignment changes, exports.

Record creates, changes and reads are logged by django-auditlog (``LogEntry``); this table holds
what is not a change of a model row. Rows are append-only: ``save`` refuses updates, ``delete`` and the
queryset's ``update``/``delete`` refuse outright, and on PostgreSQL a trigger refuses any UPDATE or DELETE
statement (migration 0002). Rows hold ids and codes, never words about a person.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError("Audit events are append-only.")

    def delete(self):
        raise ValueError("Audit events are append-only.")

    delete.queryset_only = True


class Event(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", _("login")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOGOUT = "logout", _("logout")
        ASSIGN = "assign", _("assignment")
        UNASSIGN = "unassign", _("unassignment")
        EXPORT = "export", _("export")
        AUDIT_VIEW = "audit_view", _("audit log viewed")
        MERGE = "merge", _("records merged")
        MERGE_UNDO = "merge_undo", _("merge undone")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A failed login names no account: we keep what was typed, truncated, never the password.
    username = models.CharField(_("username"), max_length=150, blank=True)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    target_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=255, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "at"]),
            # The audit viewer's filters, each with its newest-first sort.
            models.Index(fields=["actor", "at"], name="audit_event_actor_at_idx"),
            models.Index(fields=["kind", "at"], name="audit_event_kind_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")
