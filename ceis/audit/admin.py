from auditlog.admin import LogEntryAdmin as _LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

from .models import Event


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit rows are append-only: the admin shows them and offers no add, change, delete or bulk action."""

    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "actor", "subject", "username", "ip")
    list_filter = ("kind",)


# auditlog's own admin allows deleting entries while another admin page cascades into them: not here.
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin, _LogEntryAdmin):
    # Upstream searches the changes text; rows hold no content, and a LIKE over JSON is slow.
    search_fields = ["object_pk", "actor__username"]
