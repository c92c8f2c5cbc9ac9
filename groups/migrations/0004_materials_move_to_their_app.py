"""Languages, topics and materials now belong to ``materials``: point the sessions at them there.

State only for the models (the tables stay, ``materials.0001``); the content types move from ``groups`` to
``materials``, so permissions, group grants and audit rows keep naming the same models.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ("language", "topic", "material")


def _move_content_types(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        moving = ContentType.objects.filter(app_label=old, model=model).first()
        if moving is None:
            continue  # a database where it was never created: post_migrate creates the new one
        # A twin created meanwhile (post_migrate of a partial migration) holds nothing worth keeping.
        ContentType.objects.filter(app_label=new, model=model).delete()
        moving.app_label = new
        moving.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    _move_content_types(apps, "groups", "materials")


def backwards(apps, schema_editor):
    _move_content_types(apps, "materials", "groups")


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0003_material_file_or_link"),
        ("materials", "0001_move_from_groups"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="groupsession",
                    name="languages",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="group_sessions",
                        to="materials.language",
                        verbose_name="languages used",
                    ),
                ),
                migrations.AlterField(
                    model_name="groupsession",
                    name="materials",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="group_sessions",
                        to="materials.material",
                        verbose_name="materials used",
                    ),
                ),
                migrations.AlterField(
                    model_name="groupsession",
                    name="topics",
                    field=models.ManyToManyField(
                        blank=True, related_name="group_sessions", to="materials.topic", verbose_name="topics covered"
                    ),
                ),
                migrations.AlterField(
                    model_name="attendancerow",
                    name="language",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="materials.language",
                        verbose_name="language",
                    ),
                ),
                migrations.DeleteModel(name="Material"),
                migrations.DeleteModel(name="Topic"),
                migrations.DeleteModel(name="Language"),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
