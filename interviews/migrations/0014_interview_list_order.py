"""The list of interviews in its order (most recently held first, then by date scheduled), read backwards: a
coordinator's first page is the index's last rows, rather than a sort of every interview not yet held."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("interviews", "0013_sent_report_pdf_marked_encrypted"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="interview",
            index=models.Index(fields=["held_at", "scheduled_at", "id"], name="interview_list_order"),
        ),
    ]
