"""Operators who run group sessions add the materials they use; coordinators (change) retire any."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"operatore": ("materials.add_material",)}


def _perms(apps, perms):
    Permission = apps.get_model("auth", "Permission")
    return [Permission.objects.get(content_type__app_label=p.split(".")[0], codename=p.split(".")[1]) for p in perms]


def grant(apps, schema_editor):
    config = apps.get_app_config("materials")
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
    # After groups.0004, which relabels the materials' content types (and so their permissions) to materials.
    dependencies = [("accounts", "0009_mediator_admin_perms"), ("groups", "0004_materials_move_to_their_app")]

    operations = [migrations.RunPython(grant, revoke)]
