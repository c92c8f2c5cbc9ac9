from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("ceis", {"fields": ("language", "partner_body")}),)

    def has_delete_permission(self, request, obj=None):
        # Users are deactivated, never deleted: their audit rows keep pointing at them.
        return False
