import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("interviews", "0007_labour_lists_become_version_1")]

    operations = [
        migrations.AlterField(
            model_name="indicator",
            name="version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="indicators",
                to="interviews.catalogueversion",
                verbose_name="catalogue version",
            ),
        ),
    ]
