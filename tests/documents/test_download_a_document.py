from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from ceis import access
from ceis.uploads import CheckedFile
from documents.models import Document
from documents.services import document_add
from tests import factories

from .helpers import pdf_bytes

pytestmark = pytest.mark.django_db


def _document(record, by) -> Document:
    return document_add(
        record=record,
        file=CheckedFile(data=pdf_bytes(), mime="application/pdf", extension="pdf"),
        kind="commissione",
        date=datetime.date(2026, 11, 20),
        description="",
        by=by,
    )


def test_another_assigned_operator_downloads_it_and_the_read_is_audited(operator, operator_b, op_b_client):
    referral = factories.ReferralFactory(assigned_to=[operator, operator_b])
    document = _document(referral, operator)
    response = op_b_client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert response.content == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and referral.person.case_code in disposition
    reads = LogEntry.objects.get_for_object(document).filter(action=LogEntry.Action.ACCESS)
    assert list(reads.values_list("actor", flat=True)) == [operator_b.pk]


def test_an_unassigned_operator_gets_404_and_no_audit_read(operator, op_b_client):
    document = _document(factories.ReferralFactory(assigned_to=[operator]), operator)
    assert op_b_client.get(reverse("documents:download", args=[document.pk])).status_code == 404
    assert not LogEntry.objects.get_for_object(document).filter(action=LogEntry.Action.ACCESS).exists()


def test_a_coordinator_downloads_any(operator, coord_client):
    document = _document(factories.ReferralFactory(assigned_to=[operator]), operator)
    assert coord_client.get(reverse("documents:download", args=[document.pk])).status_code == 200


def test_an_admin_gets_404(operator, admin_client_role):
    document = _document(factories.ReferralFactory(assigned_to=[operator]), operator)
    assert admin_client_role.get(reverse("documents:download", args=[document.pk])).status_code == 404


def test_a_post_is_refused(operator, op_client):
    document = _document(factories.ReferralFactory(assigned_to=[operator]), operator)
    assert op_client.post(reverse("documents:download", args=[document.pk])).status_code in (404, 405)


@pytest.mark.parametrize("attach", ["person", "referral", "interview", "pathway"])
def test_it_follows_the_record_it_hangs_on(operator, operator_b, attach):
    referral = factories.ReferralFactory(assigned_to=[operator])
    pathway = factories.PathwayFactory(person=referral.person, assigned_to=[])
    record = {
        "person": referral.person,
        "referral": referral,
        "interview": factories.InterviewFactory(referral=referral),
        "pathway": pathway,
    }[attach]
    document = _document(record, operator)
    expected = attach != "pathway"  # operator A is assigned to the referral, not to the pathway
    assert access.can_view(operator, document) is expected
    assert access.can_view(operator_b, document) is False
    access.assign(pathway, operator_b, by=operator)
    # Operator B now sees the pathway, hence the person, but never the referral's documents.
    assert access.can_view(operator_b, document) is (attach in ("person", "pathway"))


def test_the_list_on_a_page_costs_constant_queries(operator, op_client, django_assert_max_num_queries):
    referral = factories.ReferralFactory(assigned_to=[operator])
    _document(referral, operator)
    url = reverse("referrals:detail", args=[referral.pk])
    op_client.get(url)
    with django_assert_max_num_queries(60) as one:
        op_client.get(url)
    for _ in range(5):
        _document(referral, operator)
    with django_assert_max_num_queries(len(one.captured_queries)):
        op_client.get(url)
