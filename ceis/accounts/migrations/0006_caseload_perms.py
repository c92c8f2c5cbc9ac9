"""Coordinators read the stored monthly reports (statistics are de-identified, but still coordinators' only)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"coordinatore": ("caseload.view_monthlyreport",)}


def _perms(apps, perms):
    Permission = apps.get_model("auth", "Permission")
    return [Permission.objects.get(content_type__app_label=p.split(".")[0], codename=p.split(".")[1]) for p in perms]


def grant(apps, schema_editor):
    config = apps.get_app_config("caseload")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    for role, perms in GRANTS.items():
        Group.objects.get(name=role).permissions.add(*_perms(apps, perms))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role, perms in GRANTS.items():
        Group.objects.get(name=role).permissions.remove(*_perms(apps, perms))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_pathway_perms"), ("caseload", "0001_initial")]

    operations = [migrations.RunPython(grant, revoke)]
