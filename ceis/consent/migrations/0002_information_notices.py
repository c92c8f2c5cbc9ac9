"""The information notice (informativa privacy) in use, in the languages the service hands it out in."""

import datetime

from django.db import migrations

VERSION = "2026.1"
LANGUAGES = ["italiano", "English", "français", "Pidgin English"]


def seed(apps, schema_editor):
    InformationNotice = apps.get_model("consent", "InformationNotice")
    for language in LANGUAGES:
        InformationNotice.objects.get_or_create(
            version=VERSION, language=language, defaults={"published_on": datetime.date(2026, 1, 1), "active": True}
        )


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
