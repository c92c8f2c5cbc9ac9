"""Recording a legal basis (GDPR art. 9(2)) that allows sharing without consent: explained, dated, signed."""

from __future__ import annotations

import datetime

from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ceis.consent.models import LegalBasis

EXPLANATION = "Decreto del PM di Lucca n. 123/2026 (fittizio): richiesta di informazioni"


def _url(person) -> str:
    return reverse("consent:legal_basis_new", args=[person.pk])


def _data(**overrides) -> dict:
    return {
        "purpose": "police_judicial",
        "basis": "legal_claims",
        "recipient": "",
        "explanation": EXPLANATION,
        "decided_on": timezone.localdate().isoformat(),
        **overrides,
    }


def test_it_records_a_legal_basis(op_client, operator, person_a):
    response = op_client.post(_url(person_a), _data())
    assert response.status_code == 302
    basis = LegalBasis.objects.get()
    assert (basis.person, basis.purpose, basis.basis, basis.recipient) == (
        person_a,
        "police_judicial",
        "legal_claims",
        None,
    )
    assert (basis.explanation, basis.recorded_by, basis.decided_on) == (EXPLANATION, operator, timezone.localdate())


def test_the_explanation_is_encrypted_and_kept_out_of_the_audit(op_client, operator, person_a):
    op_client.post(_url(person_a), _data())
    with connection.cursor() as cursor:
        cursor.execute("SELECT explanation FROM consent_legalbasis")
        assert "Decreto" not in cursor.fetchone()[0]
    entry = LogEntry.objects.get_for_object(LegalBasis.objects.get()).get(action=LogEntry.Action.CREATE)
    assert entry.actor == operator
    assert entry.changes_dict["basis"][1] == "legal_claims"
    assert "Decreto" not in str(entry.changes) and "explanation" not in entry.changes_dict


def test_the_explanation_is_required(op_client, person_a):
    for blank in ("", "   "):
        response = op_client.post(_url(person_a), _data(explanation=blank))
        assert response.status_code == 200
        assert response.context["form"].errors["explanation"]
        assert "Nothing has been saved yet." in response.text
    assert not LegalBasis.objects.exists()


def test_it_cannot_be_dated_in_the_future(op_client, person_a):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = op_client.post(_url(person_a), _data(decided_on=tomorrow))
    assert "The date cannot be in the future." in response.context["form"].errors["decided_on"]
    assert not LegalBasis.objects.exists()


def test_only_the_bases_of_article_9_can_be_chosen(op_client, person_a):
    response = op_client.post(_url(person_a), _data(basis="consent_was_implied"))
    assert response.context["form"].errors["basis"]
    assert not LegalBasis.objects.exists()


def test_operator_b_and_admins_get_404_and_nothing_is_saved(op_b_client, admin_client_role, person_a):
    for client in (op_b_client, admin_client_role):
        assert client.get(_url(person_a)).status_code == 404
        assert client.post(_url(person_a), _data()).status_code == 404
    assert not LegalBasis.objects.exists()
