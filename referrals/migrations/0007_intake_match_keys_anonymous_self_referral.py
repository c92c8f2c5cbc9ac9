"""Intake: blind matching keys (and those of every person already recorded), anonymous people, referrals without
a referring body (self-referrals, the National helpline); the intake tick ``consent_recorded`` becomes what it
claimed to be, a consent record, and goes.

A ticked referral becomes a consent of its person for case management (any recipient), given on the day the
referral was received, recorded by whoever recorded the referral (else the first superuser or user), against
the oldest active Italian information notice (else the oldest notice). The language is not known: it is
written as such. A person with a consent for case management given that day already gets no second one.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

LANGUAGE_NOT_KNOWN = "non indicata (dalla spunta all'accoglienza)"


def consents_from_ticks(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    Consent = apps.get_model("consent", "Consent")
    InformationNotice = apps.get_model("consent", "InformationNotice")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    ticked = Referral.objects.filter(consent_recorded=True).select_related("person").order_by("received_at", "pk")
    if not ticked.exists():
        return
    notices = InformationNotice.objects.order_by("-active", "published_on", "pk")
    notice = notices.filter(language="italiano").first() or notices.first()
    fallback = User.objects.order_by("-is_superuser", "pk").first()
    if notice is None or fallback is None:
        raise RuntimeError("Ticked consents cannot become consent records: no information notice or no user.")
    for referral in ticked:
        given_on = timezone.localtime(referral.received_at).date() if referral.received_at else timezone.localdate()
        if Consent.objects.filter(person_id=referral.person_id, purpose="case_management", given_on=given_on).exists():
            continue
        Consent.objects.create(
            person_id=referral.person_id,
            purpose="case_management",
            recipient=None,
            notice=notice,
            language=referral.person.preferred_language or LANGUAGE_NOT_KNOWN,
            given_on=given_on,
            recorded_by_id=referral.created_by_id or fallback.pk,
        )


def ticks_from_consents(apps, schema_editor):
    """Back: the referrals received the day of a consent for case management are ticked again."""
    Referral = apps.get_model("referrals", "Referral")
    Consent = apps.get_model("consent", "Consent")
    for consent in Consent.objects.filter(purpose="case_management"):
        for referral in Referral.objects.filter(person_id=consent.person_id):
            if referral.received_at and timezone.localtime(referral.received_at).date() == consent.given_on:
                Referral.objects.filter(pk=referral.pk).update(consent_recorded=True)


def match_keys(apps, schema_editor):
    from referrals.matching import rebuild_all

    rebuild_all(apps.get_model("referrals", "Person"), apps.get_model("referrals", "PersonMatchKey"))


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0003_partner_name_unique_message"),
        ("referrals", "0006_index_person_case_code"),
        ("consent", "0003_disclosure_action_service_requested"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(consents_from_ticks, ticks_from_consents),
        migrations.RemoveField(
            model_name="referral",
            name="consent_recorded",
        ),
        migrations.AddField(
            model_name="person",
            name="anonymous",
            field=models.BooleanField(
                default=False,
                help_text="Her name is not known (a report without a name): she is known by her case code.",
                verbose_name="anonymous",
            ),
        ),
        migrations.AlterField(
            model_name="referral",
            name="referring_body",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="referrals",
                to="partners.partnerbody",
                verbose_name="referring body",
            ),
        ),
        migrations.CreateModel(
            name="PersonMatchKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("word", "word"), ("sound", "sound"), ("edit", "one letter apart")], max_length=10
                    ),
                ),
                ("slot", models.CharField(max_length=20)),
                ("digest", models.CharField(max_length=64)),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="match_keys", to="referrals.person"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["digest"], name="person_match_digest")],
            },
        ),
        migrations.RunPython(match_keys, migrations.RunPython.noop),
    ]
