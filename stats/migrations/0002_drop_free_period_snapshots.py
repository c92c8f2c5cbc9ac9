"""Statistics are served for calendar months, quarters and years only, each read from month snapshots.

Snapshots of any other period (free from/to dates, quarters, years: kept by the earlier version) are never
read again; they are dropped here. A month snapshot counted under the earlier definitions (a person in every
month she was referred in, a pathway in every month it was open) is marked stale, so that it is counted again
before it is shown. Both are safe to run twice and lose nothing that cannot be counted again.
"""

import calendar

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    Snapshot = apps.get_model("stats", "StatisticsSnapshot")
    drop = []
    for pk, start, end in Snapshot.objects.values_list("pk", "start", "end").iterator():
        if not (start.day == 1 and end == start.replace(day=calendar.monthrange(start.year, start.month)[1])):
            drop.append(pk)
    for i in range(0, len(drop), 500):
        Snapshot.objects.filter(pk__in=drop[i : i + 500]).delete()
    Snapshot.objects.update(generation=F("generation") + 1)


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_move_from_caseload")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
