"""No audit row ever holds a person's name, a narrative or any other typed text: ids and field names only.

Audit rows cannot be changed or erased afterwards, so this is what lets a person be erased (anonymised)
while the trail of who did what stays. Every model registered with auditlog is created, edited, read,
linked and deleted with a recognisable marker in each of its text fields; no marker may reach either
audit table.
"""

from __future__ import annotations

import datetime
import itertools
import json
import re

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.db import IntegrityError, transaction
from django.db.models import CharField, TextField
from django.db.models.deletion import ProtectedError
from django.urls import reverse
from django.utils import timezone

from ceis import access
from ceis.audit import guards
from ceis.audit.models import Event
from ceis.audit.services import record_viewed
from ceis.consent.models import AppendOnly, AppendOnlyError
from ceis.crypto import EncryptedDateField
from tests import factories

_counter = itertools.count()


def _marker() -> str:
    # Upper-case letters outside hex and base64 runs of a hash: no false positive from keys or ciphertext.
    return f"QXZ{next(_counter):03d}QXZ"


def _text_fields(model) -> list:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, CharField | TextField)
        and not isinstance(f, EncryptedDateField)
        and not f.choices
        and (model._meta.label, f.name) not in guards.CLEAR_TEXT
        and f.name != "duplicate_key"  # computed from the names on save
    ]


def _marks(model) -> dict[str, str]:
    values = {}
    for field in _text_fields(model):
        mark = _marker()
        if field.get_internal_type() == "EmailField":
            mark = f"{mark.lower()}@example.org"
        elif field.get_internal_type() == "URLField":
            mark = f"https://example.org/{mark}"
        values[field.name] = mark[: field.max_length] if field.max_length else mark
    return values


def _builders(operator):
    """How to create one record of each registered model, given its text fields' values."""
    from django.contrib.contenttypes.models import ContentType

    from api.models import ApiToken
    from ceis.approvals.models import ClosureRequest
    from ceis.consent import models as c
    from interviews.models import (
        CatalogueVersion,
        Indicator,
        IndicatorAnswer,
        InterviewList,
        Mediator,
        Report,
        SentReport,
    )
    from materials.models import Language
    from privacy import models as v
    from protection import models as p

    referral = factories.ReferralFactory(assigned_to=[operator])
    pathway = factories.PathwayFactory(assigned_to=[operator])
    day = datetime.date(2026, 3, 2)
    goal = p.PlanGoal.objects.create(pathway=pathway, area="work", goal="-")
    return {
        "partners.PartnerBody": lambda t: factories.PartnerBodyFactory(**t),
        "partners.PartnerContact": lambda t: factories.PartnerContactFactory(**t),
        "referrals.Person": lambda t: factories.PersonFactory(**t),
        "referrals.Referral": lambda t: factories.ReferralFactory(assigned_to=[operator], **t),
        "interviews.Interview": lambda t: factories.InterviewFactory(referral=referral, **t),
        "interviews.IndicatorAnswer": lambda t: IndicatorAnswer.objects.create(
            interview=factories.InterviewFactory(referral=referral),
            indicator=Indicator.objects.order_by("pk").first(),
            answer="observed",
            **t,
        ),
        "interviews.Report": lambda t: Report.objects.create(referral=referral, recipient=referral.referring_body, **t),
        "interviews.Mediator": lambda t: Mediator.objects.create(**t),
        "interviews.CatalogueVersion": lambda t: CatalogueVersion.objects.create(
            audience="child", exploitation="sexual", **{"name": "-", "label": "-", "source_title": "-", **t}
        ),
        "interviews.InterviewList": lambda t: InterviewList.objects.create(
            interview=factories.InterviewFactory(referral=referral),
            version=CatalogueVersion.objects.order_by("pk").first(),
            needed="sexual",
            **t,
        ),
        "interviews.Indicator": lambda t: Indicator.objects.create(
            version=CatalogueVersion.objects.order_by("pk").first(),
            code=f"test-{next(_counter)}",
            audience="adult",
            exploitation="labour",
            dimension="exploitation",
            strength="weak",
            **t,
        ),
        "groups.GroupSession": lambda t: factories.GroupSessionFactory(facilitators=[operator], **t),
        "materials.Language": lambda t: factories.LanguageFactory(**t),
        "groups.AttendanceRow": lambda t: factories.AttendanceRowFactory(language=Language.objects.get(code="en"), **t),
        "materials.Material": lambda t: factories.MaterialFactory(**t),
        "protection.ProtectionPathway": lambda t: factories.PathwayFactory(assigned_to=[operator], **t),
        "protection.PhaseChange": lambda t: p.PhaseChange.objects.create(
            pathway=pathway, phase="second_stage", changed_on=day, **t
        ),
        "protection.PlanGoal": lambda t: p.PlanGoal.objects.create(pathway=pathway, area="health", **t),
        "protection.GoalReview": lambda t: p.GoalReview.objects.create(goal=goal, reviewed_on=day, **t),
        "protection.Accommodation": lambda t: p.Accommodation.objects.create(
            pathway=pathway, type="safe_house", start=day, **t
        ),
        "protection.LiteracyCourse": lambda t: p.LiteracyCourse.objects.create(
            pathway=pathway, level_start="a1", level_now="a2", start=day, **t
        ),
        "protection.Training": lambda t: p.Training.objects.create(pathway=pathway, kind="school", start=day, **t),
        "protection.JobPlacement": lambda t: p.JobPlacement.objects.create(
            pathway=pathway, kind="traineeship", start=day, **t
        ),
        "protection.ResidencePermit": lambda t: p.ResidencePermit.objects.create(
            pathway=pathway, type="art18", route="social", **t
        ),
        "protection.DiaryEntry": lambda t: p.DiaryEntry.objects.create(pathway=pathway, written_on=day, **t),
        "protection.ServiceReferral": lambda t: p.ServiceReferral.objects.create(
            pathway=pathway, person=pathway.person, type="other", shares_data=False, **t
        ),
        "protection.ServiceStatusChange": lambda t: p.ServiceStatusChange.objects.create(
            service=p.ServiceReferral.objects.create(
                referral=referral, person=referral.person, type="documents", provider_name="-", shares_data=False
            ),
            status="accepted",
            changed_on=day,
            **t,
        ),
        "accounts.User": lambda t: factories.OperatorFactory(**t),
        "consent.InformationNotice": lambda t: c.InformationNotice.objects.create(**t),
        "consent.Consent": lambda t: factories.ConsentFactory(person=referral.person, recorded_by=operator, **t),
        "consent.ConsentWithdrawal": lambda t: c.ConsentWithdrawal.objects.create(
            consent=factories.ConsentFactory(person=referral.person, recorded_by=operator), recorded_by=operator, **t
        ),
        "consent.LegalBasis": lambda t: factories.LegalBasisFactory(person=referral.person, recorded_by=operator, **t),
        "consent.Disclosure": lambda t: c.Disclosure.objects.create(
            person=referral.person,
            purpose="referral",
            recipient=referral.referring_body,
            action="report_sent",
            target_type=ContentType.objects.get_for_model(referral),
            target_id=referral.pk,
            consent=factories.ConsentFactory(person=referral.person, recorded_by=operator),
            recorded_by=operator,
            **t,
        ),
        "privacy.Restriction": lambda t: v.Restriction.objects.create(
            person=factories.PersonFactory(), by=operator, **t
        ),
        "privacy.LegalHold": lambda t: v.LegalHold.objects.create(person=factories.PersonFactory(), by=operator, **t),
        "privacy.Erasure": lambda t: v.Erasure.objects.create(person=factories.PersonFactory(), by=operator, **t),
        "privacy.RetentionRule": lambda t: _edited_rule(t),  # one rule per kind is seeded: edit one
        "service.ServiceSettings": lambda t: _edited_settings(t),  # a single row: edit it
        "documents.Document": lambda t: _document(referral, operator, t),
        "api.ApiToken": lambda t: ApiToken.objects.create(
            user=operator, expires_at=timezone.now() + datetime.timedelta(days=30), **t
        ),
        "approvals.ClosureRequest": lambda t: ClosureRequest.objects.create(
            referral=factories.ReferralFactory(assigned_to=[operator]), requested_by=operator, **t
        ),
        "interviews.SentReport": lambda t: SentReport.objects.create(
            report=Report.objects.create(referral=referral, recipient=referral.referring_body),
            version=1,
            recipient=referral.referring_body,
            sent_at=day,
            protocol_year=2026,
            protocol_number=next(_counter),
            created_by=operator,
            **t,
        ),
    }


def _document(referral, operator, texts: dict):
    from documents.models import Document

    return Document.objects.create(
        person=referral.person,
        referral=referral,
        kind="other",
        date=datetime.date(2026, 3, 2),
        file_type="application/pdf",
        size=1,
        uploaded_by=operator,
        **texts,
    )


def _edited_rule(texts: dict):
    from privacy.models import RetentionRule

    rule = RetentionRule.objects.order_by("pk").first()
    for name, value in texts.items():
        setattr(rule, name, value)
    rule.months += 1
    rule.save()
    return rule


def _edited_settings(texts: dict):
    from ceis.service.selectors import service_settings

    settings_row = service_settings()
    for name, value in texts.items():
        setattr(settings_row, name, value)
    settings_row.save()
    return settings_row


def _m2m_targets():
    """Records to link through each registered many-to-many field: marked ones where the target has text."""
    from django.contrib.auth.models import Group

    from ceis.accounts import roles
    from materials.models import Topic
    from referrals.models import ExploitationForm

    return {
        "referrals.ExploitationForm": lambda: list(ExploitationForm.objects.all()[:2]),
        "materials.Topic": lambda: list(Topic.objects.all()[:2]),
        "materials.Language": lambda: [factories.LanguageFactory(**_marks(factories.LanguageFactory._meta.model))],
        "materials.Material": lambda: [factories.MaterialFactory(**_marks(factories.MaterialFactory._meta.model))],
        "auth.Group": lambda: list(Group.objects.filter(name__in=[roles.OPERATOR, roles.COORDINATOR])),
    }


def _audit_dump() -> str:
    rows = list(LogEntry.objects.values()) + list(Event.objects.values())
    return json.dumps(rows, default=str, ensure_ascii=False)


def _leaks(markers: list[str]) -> list[str]:
    dump = _audit_dump()
    return [m for m in markers if m in dump]


def test_every_registered_model_is_exercised_below(operator):
    assert {m._meta.label for m in auditlog.get_models()} == set(_builders(operator))


def test_no_text_of_any_registered_model_reaches_an_audit_row(operator):
    markers: list[str] = []
    created = []
    targets = _m2m_targets()
    for label, build in _builders(operator).items():
        model = next(m for m in auditlog.get_models() if m._meta.label == label)
        marks = _marks(model)
        markers += marks.values()
        record = build(marks)  # create
        if not issubclass(model, AppendOnly):  # consent records cannot be edited at all
            for name, value in _marks(model).items():  # edit every text field
                setattr(record, name, value)
                markers.append(value)
            record.save()
        record_viewed(record)  # read
        for name in auditlog._registry[model]["m2m_fields"]:  # link
            target = model._meta.get_field(name).related_model._meta.label
            getattr(record, name).add(*targets[target]())
            getattr(record, name).clear()
        created.append(record)
    markers += [m for m in re.findall(r"QXZ\d{3}QXZ", _all_text_in_reference_tables())]
    for record in reversed(created):  # delete, where nothing protects the record
        try:
            with transaction.atomic():
                record.delete()
        except (ProtectedError, IntegrityError, AppendOnlyError):
            pass

    assert len(markers) > 60
    assert LogEntry.objects.filter(action=LogEntry.Action.DELETE).exists()
    assert _leaks(markers) == []


def _all_text_in_reference_tables() -> str:
    from materials.models import Language, Material

    return json.dumps(list(Language.objects.values()) + list(Material.objects.values()), default=str)


def test_changed_text_is_recorded_as_changed_without_its_words(operator):
    referral = factories.ReferralFactory(assigned_to=[operator], referrer_name="QXZ900QXZ")
    referral.referrer_name = "QXZ901QXZ"
    referral.urgency = "priority"
    referral.save()
    entry = LogEntry.objects.filter(object_pk=str(referral.pk), action=LogEntry.Action.UPDATE).latest("pk")
    assert entry.changes["referrer_name"] == [guards.REDACTED, guards.REDACTED]
    assert entry.changes["urgency"] == ["routine", "priority"]
    assert entry.object_repr == f"Referral #{referral.pk}"


def test_every_object_repr_is_the_model_and_the_id(operator):
    person = factories.PersonFactory(first_name="QXZ910QXZ")
    record_viewed(person)
    reprs = set(LogEntry.objects.get_for_object(person).values_list("object_repr", flat=True))
    assert reprs == {f"Person #{person.pk}"}


def test_linked_people_or_typed_labels_are_counted_not_named(operator):
    session = factories.GroupSessionFactory(facilitators=[operator])
    language = factories.LanguageFactory(name_it="QXZ920QXZ")
    session.languages.add(language)
    entry = LogEntry.objects.filter(object_pk=str(session.pk)).latest("pk")
    assert entry.changes["languages"]["objects"] == [guards.REDACTED]


def test_the_pages_operators_use_write_no_names_to_the_audit(op_client, operator, coord_client, coordinator):
    """The same through the screens: intake, reading, editing the person, assigning."""
    from referrals.models import Person, Referral

    body = factories.PartnerBodyFactory()
    response = op_client.post(
        reverse("referrals:intake"),
        {
            "referring_body": body.pk,
            "referrer_name": "QXZ930QXZ",
            "channel": "phone",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "urgency": "routine",
            "reason": "QXZ931QXZ racconta",
            "first_name": "QXZ932QXZ",
            "last_name": "QXZ933QXZ",
            "aliases": "QXZ934QXZ",
            "phone": "QXZ935QXZ",
            "gender": "female",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    person = Person.objects.get()
    assert person.first_name == "QXZ932QXZ"
    op_client.get(reverse("referrals:detail", args=[referral.pk]))
    op_client.get(reverse("referrals:person", args=[person.pk]))
    access.assign(referral, factories.OperatorFactory(), by=coordinator)
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == 2
    assert Event.objects.filter(kind=Event.Kind.ASSIGN).exists()
    assert _leaks([f"QXZ93{i}QXZ" for i in range(6)]) == []


@pytest.mark.parametrize("action", ["save", "delete"])
def test_a_log_entry_cannot_be_changed_or_deleted_through_the_app(operator, action):
    person = factories.PersonFactory()
    entry = LogEntry.objects.get_for_object(person).get()
    with pytest.raises(guards.AppendOnlyError), transaction.atomic():
        if action == "save":
            entry.object_repr = "changed"
            entry.save()
        else:
            entry.delete()
    with pytest.raises(guards.AppendOnlyError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).delete()
    assert LogEntry.objects.get(pk=entry.pk).object_repr == f"Person #{person.pk}"


def test_a_correlation_id_header_carries_no_words_into_the_trail(op_client, operator, referral_a):
    op_client.get(reverse("referrals:detail", args=[referral_a.pk]), HTTP_X_CORRELATION_ID="Amina QXZ940QXZ")
    op_client.get(reverse("referrals:detail", args=[referral_a.pk]), HTTP_X_CORRELATION_ID="req-42")
    assert _leaks(["QXZ940QXZ"]) == []
    assert list(
        LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("pk").values_list("cid", flat=True)
    ) == [
        None,
        "req-42",
    ]
