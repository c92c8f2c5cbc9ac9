"""Group sessions and the materials library: who holds which model permission.

Operators hold no model-level view/change on GroupSession (a protected root): they see the sessions
they facilitate through object permissions only.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "operatore": (
        "groups.add_groupsession",
        "groups.view_material",
        "groups.view_language",
    ),
    "coordinatore": (
        "groups.add_groupsession",
        "groups.view_groupsession",
        "groups.change_groupsession",
        "groups.add_material",
        "groups.change_material",
        "groups.view_material",
        "groups.view_language",
    ),
    "amministratore": (
        "groups.add_material",
        "groups.change_material",
        "groups.view_material",
        "groups.add_language",
        "groups.change_language",
        "groups.view_language",
    ),
}


def _perms(apps, perms):
    Permission = apps.get_model("auth", "Permission")
    return [Permission.objects.get(content_type__app_label=p.split(".")[0], codename=p.split(".")[1]) for p in perms]


def grant(apps, schema_editor):
    config = apps.get_app_config("groups")
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
    dependencies = [("accounts", "0003_indicator_admin_perms"), ("groups", "0001_initial")]

    operations = [migrations.RunPython(grant, revoke)]
