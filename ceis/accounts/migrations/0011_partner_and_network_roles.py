"""Partner accounts (``ente``: staff of one partner body, the referral portal) and the network role (``rete``:
the de-identified statistics). Each account of the partner role names its body (``User.partner_body``)."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

# Copied, never imported (tests/accounts/test_roles.py checks they equal ceis.accounts.roles.PERMISSIONS).
GRANTS = {
    "ente": ("referrals.add_referral", "referrals.add_person"),
    "rete": (),
}


def create_roles(apps, schema_editor):
    config = apps.get_app_config("referrals")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)


def drop_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GRANTS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_operators_add_materials"),
        ("partners", "0003_partner_name_unique_message"),
        ("referrals", "0008_person_merge"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="partner_body",
            field=models.ForeignKey(
                blank=True,
                help_text="Only for partner accounts: the body they work for.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="portal_users",
                to="partners.partnerbody",
                verbose_name="partner body",
            ),
        ),
        migrations.RunPython(create_roles, drop_roles),
    ]
