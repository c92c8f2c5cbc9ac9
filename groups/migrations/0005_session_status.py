"""Sessions are planned, then held or cancelled. Every session recorded before this was held."""

from django.db import migrations, models


def existing_were_held(apps, schema_editor):
    GroupSession = apps.get_model("groups", "GroupSession")
    GroupSession.objects.update(status="held")


class Migration(migrations.Migration):
    dependencies = [("groups", "0004_materials_move_to_their_app")]

    operations = [
        migrations.AddField(
            model_name="groupsession",
            name="status",
            field=models.CharField(
                choices=[("planned", "planned"), ("held", "held"), ("cancelled", "cancelled")],
                default="planned",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(existing_were_held, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="groupsession",
            index=models.Index(fields=["status", "held_at"], name="groupsession_status_when"),
        ),
    ]
