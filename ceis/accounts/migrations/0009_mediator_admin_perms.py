"""Admins keep the list of cultural mediators (reference data, no case content)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMS = ("add_mediator", "change_mediator", "view_mediator")


def grant(apps, schema_editor):
    config = apps.get_app_config("interviews")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.get(name="amministratore")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="interviews", codename__in=PERMS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.get(name="amministratore")
    group.permissions.remove(*Permission.objects.filter(content_type__app_label="interviews", codename__in=PERMS))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_user_sex"), ("interviews", "0010_mediators")]

    operations = [migrations.RunPython(grant, revoke)]
