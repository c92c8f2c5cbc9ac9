"""Protection pathways: coordinators see and change all; operators only the pathways assigned to them
(object permissions), so their Group holds no model-level view/change on ProtectionPathway."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "operatore": ("protection.add_protectionpathway",),
    "coordinatore": (
        "protection.add_protectionpathway",
        "protection.view_protectionpathway",
        "protection.change_protectionpathway",
    ),
}


def _perms(apps, perms):
    Permission = apps.get_model("auth", "Permission")
    return [Permission.objects.get(content_type__app_label=p.split(".")[0], codename=p.split(".")[1]) for p in perms]


def grant(apps, schema_editor):
    config = apps.get_app_config("protection")
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
    dependencies = [("accounts", "0004_group_session_perms"), ("protection", "0001_initial")]

    operations = [migrations.RunPython(grant, revoke)]
