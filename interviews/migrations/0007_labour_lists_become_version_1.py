"""The indicators shipped so far become version 1 of their lists, in use and NOT verified against the source.

The two labour lists were transcribed by 0002_indicator_catalogue from a secondary tabulation of the ILO/EC
brochure, not from the brochure itself (two strengths are uncertain, see that migration's docstring): their
version label and notes say so plainly, and no one is recorded as having verified them. The counts per dimension
are the ones published summaries of the brochure give, as 0002 cites them. Any other list an admin had started on
the catalogue pages becomes version 1 of its list too, with no source beyond that.

Every interview that has answers records the version of each list those answers belong to, so its profile and
report stay exactly as they were. Data stays in this file: a migration never imports app code.
"""

import importlib

from django.db import migrations

SOURCE_TITLE = (
    "Operational indicators of trafficking in human beings. Results from a Delphi survey implemented by the ILO "
    "and the European Commission (revised version of September 2009, ILO document WCMS_105023)"
)
SOURCE_PUBLISHER = "International Labour Office and European Commission, Geneva"
NOT_VERIFIED_LABEL = "1 — NOT verified against the source: transcribed from a secondary table of the brochure"
NOTES = (
    "Transcribed from a secondary tabulation of the brochure, not from the PDF (migration "
    "interviews/0002_indicator_catalogue). To check against the brochure: the exact punctuation of each line and, "
    "for adults, the strength of 'Difficulties in the past' and 'Difficulty to organise the travel' under "
    "recruitment by abuse of vulnerability (medium here; possibly weak in the brochure)."
)
DIMENSIONS = (
    "deceptive_recruitment",
    "coercive_recruitment",
    "abusive_recruitment",
    "exploitation",
    "coercion_at_destination",
    "abuse_at_destination",
)
# Indicators per dimension of the brochure's labour lists, as 0002 states them (adults 67, children 65).
EXPECTED = {
    ("adult", "labour"): dict(zip(DIMENSIONS, (10, 10, 16, 9, 15, 7), strict=True)),
    ("child", "labour"): dict(zip(DIMENSIONS, (10, 10, 15, 8, 15, 7), strict=True)),
}
NAMES = {
    ("adult", "labour"): "ILO/EU operational indicators — adults, labour exploitation",
    ("child", "labour"): "ILO/EU operational indicators — children, labour exploitation",
    ("adult", "sexual"): "Adults, sexual exploitation",
    ("child", "sexual"): "Children, sexual exploitation",
}


def forwards(apps, schema_editor):
    CatalogueVersion = apps.get_model("interviews", "CatalogueVersion")
    Indicator = apps.get_model("interviews", "Indicator")
    IndicatorAnswer = apps.get_model("interviews", "IndicatorAnswer")
    InterviewList = apps.get_model("interviews", "InterviewList")
    keys = sorted(set(Indicator.objects.filter(version=None).values_list("audience", "exploitation")))
    for audience, exploitation in keys:
        key = (audience, exploitation)
        if exploitation == "labour":
            source = {"source_title": SOURCE_TITLE, "source_publisher": SOURCE_PUBLISHER, "source_year": 2009}
            label, notes = NOT_VERIFIED_LABEL, NOTES
        else:
            source = {"source_title": "Entered on the catalogue pages (no source recorded)"}
            label, notes = "1 — NOT verified against the source", ""
        version = CatalogueVersion.objects.create(
            audience=audience,
            exploitation=exploitation,
            kind="ilo",
            name=NAMES[key],
            label=label,
            notes=notes,
            expected_counts=EXPECTED.get(key, {}),
            status="in_use",
            published_at=None,
            **source,
        )
        Indicator.objects.filter(version=None, audience=audience, exploitation=exploitation).update(version=version)
    pairs = (
        IndicatorAnswer.objects.values_list("interview_id", "indicator__version_id", "indicator__exploitation")
        .distinct()
        .order_by()
    )
    InterviewList.objects.bulk_create(
        [InterviewList(interview_id=i, version_id=v, needed=e) for i, v, e in set(pairs)], ignore_conflicts=True
    )


def seed(apps, schema_editor):
    """Reload the shipped lists as version 1 on a live registry (the tests' reset after a flush): the indicators
    of 0002_indicator_catalogue, each in its list's version 1, made by ``forwards``."""
    Indicator = apps.get_model("interviews", "Indicator")
    CatalogueVersion = apps.get_model("interviews", "CatalogueVersion")
    catalogue = importlib.import_module("interviews.migrations.0002_indicator_catalogue")
    for row in catalogue.rows():
        version = CatalogueVersion.objects.filter(
            audience=row["audience"], exploitation=row["exploitation"], label=NOT_VERIFIED_LABEL
        ).first()
        if version is None:
            version = CatalogueVersion.objects.create(
                audience=row["audience"],
                exploitation=row["exploitation"],
                kind="ilo",
                name=NAMES[(row["audience"], row["exploitation"])],
                label=NOT_VERIFIED_LABEL,
                notes=NOTES,
                expected_counts=EXPECTED[(row["audience"], row["exploitation"])],
                status="in_use",
                source_title=SOURCE_TITLE,
                source_publisher=SOURCE_PUBLISHER,
                source_year=2009,
            )
        code = row.pop("code")
        Indicator.objects.update_or_create(version=version, code=code, defaults=row)


def backwards(apps, schema_editor):
    apps.get_model("interviews", "InterviewList").objects.all().delete()
    apps.get_model("interviews", "Indicator").objects.update(version=None)
    apps.get_model("interviews", "CatalogueVersion").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("interviews", "0006_catalogue_versions")]

    operations = [migrations.RunPython(forwards, backwards)]
