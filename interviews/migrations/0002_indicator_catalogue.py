"""The ILO/EU operational indicators of trafficking in human beings (2009) as reference data.

(Placeholder: the catalogue is being written; this migration is filled in before it lands.)
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("interviews", "0001_initial")]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
