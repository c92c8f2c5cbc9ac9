"""Topics of the sessions and the languages most met in the reception centres of the Province of Lucca."""

from django.db import migrations

TOPICS = ["exploitation", "law", "help", "health", "other"]

LANGUAGES = [
    ("en", "inglese", "English"),
    ("pcm", "pidgin nigeriano", "Nigerian Pidgin"),
    ("fr", "francese", "French"),
    ("ar", "arabo", "Arabic"),
    ("bn", "bengalese", "Bengali"),
    ("ur", "urdu", "Urdu"),
    ("pa", "punjabi", "Punjabi"),
    ("ti", "tigrino", "Tigrinya"),
    ("so", "somalo", "Somali"),
    ("wo", "wolof", "Wolof"),
    ("mnk", "mandinka", "Mandinka"),
    ("ff", "fula", "Fula"),
    ("bm", "bambara", "Bambara"),
    ("bin", "edo", "Edo"),
    ("tw", "twi", "Twi"),
    ("sq", "albanese", "Albanian"),
    ("zh", "cinese", "Chinese"),
    ("es", "spagnolo", "Spanish"),
    ("pt", "portoghese", "Portuguese"),
    ("ro", "rumeno", "Romanian"),
    ("uk", "ucraino", "Ukrainian"),
    ("ru", "russo", "Russian"),
    ("it", "italiano", "Italian"),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("groups", "Topic")
    Language = apps.get_model("groups", "Language")
    for position, code in enumerate(TOPICS):
        Topic.objects.update_or_create(code=code, defaults={"position": position})
    for code, name_it, name_en in LANGUAGES:
        Language.objects.update_or_create(code=code, defaults={"name_it": name_it, "name_en": name_en})


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
