"""The monthly reports and the statistics snapshots now belong to ``stats``.

State only for the models (the tables stay, ``stats.0001``); the content types move from ``caseload`` to
``stats``, so the coordinators' ``view_monthlyreport`` grant keeps naming the same model.
"""

from django.db import migrations

MOVED = ("monthlyreport", "statisticssnapshot")


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
    _move_content_types(apps, "caseload", "stats")


def backwards(apps, schema_editor):
    _move_content_types(apps, "stats", "caseload")


class Migration(migrations.Migration):
    dependencies = [
        ("caseload", "0003_caseload_snapshot"),
        ("stats", "0001_move_from_caseload"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="MonthlyReport"),
                migrations.DeleteModel(name="StatisticsSnapshot"),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
