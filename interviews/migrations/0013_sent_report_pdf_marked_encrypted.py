"""The file column becomes an ``EncryptedBlobField``: the same text column, now found by key rotation and the backup
drill. Nothing changes in the database."""

from django.db import migrations

import ceis.crypto


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0012_checklists"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="sentreport",
                    name="pdf",
                    field=ceis.crypto.EncryptedBlobField(editable=False),
                ),
            ],
            database_operations=[],
        ),
    ]
