"""Only the information notices (reference data) are in the Django admin; consents are case records and are not."""

from django.contrib import admin

from .models import InformationNotice


@admin.register(InformationNotice)
class InformationNoticeAdmin(admin.ModelAdmin):
    list_display = ["version", "language", "published_on", "active"]
    list_filter = ["active", "language"]

    def has_delete_permission(self, request, obj=None):
        return False  # consents refer to it: deactivate instead
