"""The statistics leave ``caseload`` for an app of their own, keeping their tables and every row.

State only: the models appear here with the tables they had (``db_table``); ``caseload.0004`` removes them
from ``caseload`` and moves their content types, so permissions and grants still name them.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("caseload", "0003_caseload_snapshot"),
        ("accounts", "0006_caseload_perms"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="MonthlyReport",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "month",
                            models.DateField(
                                help_text="The first day of the month reported.", unique=True, verbose_name="month"
                            ),
                        ),
                        (
                            "data",
                            models.JSONField(
                                help_text="De-identified aggregates, small cells already suppressed.",
                                verbose_name="statistics",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                    ],
                    options={
                        "db_table": "caseload_monthlyreport",
                        "verbose_name": "monthly report",
                        "verbose_name_plural": "monthly reports",
                        "ordering": ["-month"],
                    },
                ),
                migrations.CreateModel(
                    name="StatisticsSnapshot",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("start", models.DateField(verbose_name="from")),
                        ("end", models.DateField(verbose_name="to")),
                        ("counts", models.JSONField(default=dict, verbose_name="counts")),
                        ("generation", models.PositiveIntegerField(default=0, verbose_name="generation")),
                        ("computed_generation", models.IntegerField(default=-1, verbose_name="generation counted")),
                        ("computed_at", models.DateTimeField(null=True, verbose_name="counted at")),
                        ("used_at", models.DateTimeField(auto_now_add=True, verbose_name="last used")),
                    ],
                    options={
                        "db_table": "caseload_statisticssnapshot",
                        "verbose_name": "statistics snapshot",
                        "verbose_name_plural": "statistics snapshots",
                        "indexes": [models.Index(fields=["used_at"], name="statisticssnapshot_used")],
                        "constraints": [
                            models.UniqueConstraint(fields=("start", "end"), name="statisticssnapshot_period")
                        ],
                    },
                ),
            ],
        ),
    ]
