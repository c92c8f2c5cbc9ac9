from django.db import migrations, models


class Migration(migrations.Migration):
    """The pathway lists' default order (newest start first) read from an index."""

    dependencies = [
        ("protection", "0005_plan_goal_approval"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="protectionpathway",
            index=models.Index(fields=["-started_on", "-id"], name="pathway_started"),
        ),
    ]
