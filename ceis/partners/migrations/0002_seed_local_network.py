"""The local anti-trafficking network of the Province of Lucca, as reference data (roles in Italian: data, not UI)."""

from django.db import migrations

NETWORK = [
    ("Comune di Viareggio", "comune", "Viareggio", "ente capofila, coordinamento territoriale della rete antitratta"),
    ("Comune di Lucca", "comune", "Lucca", "partner della rete antitratta"),
    ("Provincia di Lucca", "provincia", "Lucca", "partner della rete antitratta"),
    ("Prefettura di Lucca", "prefettura", "Lucca", ""),
    ("Questura di Lucca", "questura", "Lucca", ""),
]


def seed(apps, schema_editor):
    PartnerBody = apps.get_model("partners", "PartnerBody")
    for name, kind, municipality, role in NETWORK:
        PartnerBody.objects.get_or_create(
            name=name, defaults={"kind": kind, "municipality": municipality, "role": role, "active": True}
        )


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
