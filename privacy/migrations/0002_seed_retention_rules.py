"""Default retention rules (coordinators may change them). Long periods: nothing is lost by surprise,
and every action waits on a review list first."""

from django.db import migrations

DEFAULTS = (
    # kind, trigger, months, action
    ("referral_not_identified", "closed", 24, "anonymise"),
    ("interview", "held", 120, "anonymise"),
    ("group_session", "held", 60, "anonymise"),
    ("pathway_closed", "closed", 120, "anonymise"),
    ("notification", "created", 12, "delete"),
    ("person_inactive", "last_activity", 120, "anonymise"),
)


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for kind, trigger, months, action in DEFAULTS:
        RetentionRule.objects.get_or_create(
            kind=kind, defaults={"trigger": trigger, "months": months, "action": action}
        )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
