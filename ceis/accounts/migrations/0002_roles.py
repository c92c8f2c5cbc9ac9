"""Create the three roles as auth Groups with exactly the model permissions of ceis.accounts.roles.

The permission lists are copied here (a migration must not import app code that may change);
tests/accounts/test_roles.py checks they still equal ``roles.PERMISSIONS``.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = {
    "operatore": (
        "referrals.add_referral",
        "referrals.add_person",
        "partners.view_partnerbody",
        "partners.view_partnercontact",
    ),
    "coordinatore": (
        "referrals.add_referral",
        "referrals.view_referral",
        "referrals.change_referral",
        "referrals.assign_referral",
        "referrals.add_person",
        "referrals.view_person",
        "referrals.change_person",
        "partners.view_partnerbody",
        "partners.view_partnercontact",
        "auditlog.view_logentry",
        "audit.view_event",
    ),
    "amministratore": (
        "partners.add_partnerbody",
        "partners.change_partnerbody",
        "partners.view_partnerbody",
        "partners.add_partnercontact",
        "partners.change_partnercontact",
        "partners.delete_partnercontact",
        "partners.view_partnercontact",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
    ),
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def drop_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("referrals", "0001_initial"),
        ("partners", "0001_initial"),
        ("audit", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create_roles, drop_roles)]
