"""The materials library leaves ``groups`` for an app of its own, keeping its tables and every row.

State only: the models appear here with the tables they had (``db_table``); ``groups.0004`` removes them
from ``groups`` and moves their content types, so permissions and audit rows still name them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import materials.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("groups", "0003_material_file_or_link"),
        ("accounts", "0004_group_session_perms"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Language",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "code",
                            models.CharField(
                                help_text="ISO 639 code, e.g. en, fr, ti",
                                max_length=12,
                                unique=True,
                                verbose_name="code",
                            ),
                        ),
                        ("name_it", models.CharField(max_length=100, verbose_name="name (Italian)")),
                        ("name_en", models.CharField(max_length=100, verbose_name="name (English)")),
                        ("active", models.BooleanField(default=True, verbose_name="active")),
                    ],
                    options={
                        "db_table": "groups_language",
                        "verbose_name": "language",
                        "verbose_name_plural": "languages",
                        "ordering": ["name_it"],
                    },
                ),
                migrations.CreateModel(
                    name="Topic",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "code",
                            models.CharField(
                                choices=[
                                    ("exploitation", "forms of exploitation"),
                                    ("law", "the law and rights"),
                                    ("help", "the help system and how to reach it"),
                                    ("health", "health"),
                                    ("other", "other"),
                                ],
                                max_length=20,
                                unique=True,
                            ),
                        ),
                        ("position", models.PositiveSmallIntegerField(default=0)),
                    ],
                    options={
                        "db_table": "groups_topic",
                        "verbose_name": "topic",
                        "verbose_name_plural": "topics",
                        "ordering": ["position"],
                    },
                ),
                migrations.CreateModel(
                    name="Material",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("video", "video"),
                                    ("slides", "slides"),
                                    ("leaflet", "leaflet"),
                                    ("other", "other"),
                                ],
                                max_length=10,
                                verbose_name="kind",
                            ),
                        ),
                        ("description", models.TextField(blank=True, verbose_name="description")),
                        (
                            "file",
                            models.FileField(
                                blank=True, upload_to=materials.models.material_upload_to, verbose_name="file"
                            ),
                        ),
                        (
                            "file_type",
                            models.CharField(blank=True, editable=False, max_length=100, verbose_name="file type"),
                        ),
                        (
                            "file_size",
                            models.PositiveBigIntegerField(
                                blank=True, editable=False, null=True, verbose_name="file size"
                            ),
                        ),
                        (
                            "url",
                            models.URLField(
                                blank=True, help_text="A video or page online, instead of a file.", verbose_name="link"
                            ),
                        ),
                        ("active", models.BooleanField(db_index=True, default=True, verbose_name="active")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        (
                            "created_by",
                            models.ForeignKey(
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "languages",
                            models.ManyToManyField(
                                related_name="materials", to="materials.language", verbose_name="languages"
                            ),
                        ),
                        (
                            "topics",
                            models.ManyToManyField(
                                blank=True, related_name="materials", to="materials.topic", verbose_name="topics"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "groups_material",
                        "verbose_name": "information material",
                        "verbose_name_plural": "information materials",
                        "ordering": ["title"],
                        "indexes": [models.Index(fields=["active", "kind", "title"], name="material_active_kind")],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(models.Q(("file", ""), _negated=True), ("url", "")),
                                    models.Q(("file", ""), models.Q(("url", ""), _negated=True)),
                                    _connector="OR",
                                ),
                                name="material_file_or_link",
                                violation_error_message="Give either a file or a link, not both.",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
