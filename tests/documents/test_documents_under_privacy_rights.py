"""Case documents under restriction (art. 18), erasure (art. 17 and retention) and the access export (art. 15)."""

from __future__ import annotations

import base64
import datetime

import pytest
from django.urls import reverse

from ceis.uploads import CheckedFile
from documents.models import Document
from documents.services import document_add
from privacy import scrub
from privacy.export import collect
from privacy.services import person_erase, restriction_set
from referrals.models import Referral
from tests import factories

from .helpers import pdf_bytes

pytestmark = pytest.mark.django_db


def _document(record, by, description="Lettera della Commissione") -> Document:
    return document_add(
        record=record,
        file=CheckedFile(data=pdf_bytes(), mime="application/pdf", extension="pdf"),
        kind="commissione",
        date=datetime.date(2026, 11, 20),
        description=description,
        by=by,
    )


def test_restriction_hides_her_documents_from_operators(operator, op_client, coordinator, coord_client):
    referral = factories.ReferralFactory(assigned_to=[operator])
    document = _document(referral, operator)
    url = reverse("documents:download", args=[document.pk])
    assert op_client.get(url).status_code == 200
    restriction_set(person=referral.person, reason="art. 18", by=coordinator)
    assert op_client.get(url).status_code == 404
    assert coord_client.get(url).status_code == 200


def test_erasure_empties_the_file_and_the_description(operator, coordinator, coord_client):
    referral = factories.ReferralFactory(assigned_to=[operator])
    on_referral = _document(referral, operator)
    on_person = _document(referral.person, operator)
    person_erase(person=referral.person, by=coordinator)
    for document in (on_referral, on_person):
        document.refresh_from_db()
        assert document.content == ""
        assert document.description == scrub.PLACEHOLDER
        assert coord_client.get(reverse("documents:download", args=[document.pk])).status_code == 404
    page = coord_client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert reverse("documents:download", args=[on_referral.pk]) not in page


@pytest.mark.parametrize("attach", ["referral", "interview"])
def test_anonymising_a_referral_reaches_its_documents(operator, attach):
    referral = factories.ReferralFactory(assigned_to=[operator])
    record = referral if attach == "referral" else factories.InterviewFactory(referral=referral)
    document = _document(record, operator)
    elsewhere = _document(factories.ReferralFactory(person=referral.person, assigned_to=[operator]), operator)
    scrub.scrub_records(Referral, [referral.pk])
    document.refresh_from_db()
    elsewhere.refresh_from_db()
    assert document.content == ""
    assert elsewhere.content != ""


def test_the_access_export_holds_her_files_in_clear(operator):
    referral = factories.ReferralFactory(assigned_to=[operator])
    _document(referral, operator)
    (row,) = collect(referral.person)["records"]["documents"]
    assert base64.b64decode(row["file_base64"]) == pdf_bytes()
    assert row["description"] == "Lettera della Commissione"
    assert "content" not in row
    (printed,) = collect(referral.person, with_files=False)["records"]["documents"]
    assert "file_base64" not in printed and "content" not in printed
