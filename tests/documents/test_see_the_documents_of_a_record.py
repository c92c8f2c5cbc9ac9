"""The documents panel of a record shows what ``ceis.access.visible`` shows of the documents hanging on it.

``documents_on`` asks only the branches of the rule such documents can take (``access.visible_documents_on``):
the set must be the one the whole rule gives, for every kind of record and every kind of reader.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm

from ceis import access
from ceis.uploads import CheckedFile
from documents.models import Document
from documents.selectors import ATTACHABLE, documents_on
from documents.services import document_add
from privacy.services import restriction_set
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


@pytest.fixture
def her_records(operator, operator_b, coordinator):
    """A person with a document on each of her records: a referral of operator A's, an interview of it, a
    pathway granted to operator B's team (a group row), herself; and a stranger's referral with one too."""
    referral = factories.ReferralFactory(assigned_to=[operator])
    pathway = factories.PathwayFactory(person=referral.person, assigned_to=[])
    team = Group.objects.create(name="team-documents")
    operator_b.groups.add(team)
    assign_perm("protection.view_protectionpathway", team, pathway)
    records = {
        "person": referral.person,
        "referral": referral,
        "interview": factories.InterviewFactory(referral=referral),
        "pathway": pathway,
    }
    for record in records.values():
        _document(record, coordinator)
    _document(factories.ReferralFactory(person=referral.person), coordinator)
    return records


@pytest.mark.parametrize("attach", ["person", "referral", "interview", "pathway"])
@pytest.mark.parametrize("reader", ["operator", "operator_b", "coordinator", "admin_user"])
def test_the_panel_shows_what_the_rule_shows(request, her_records, attach, reader):
    user = request.getfixturevalue(reader)
    record = her_records[attach]
    field = ATTACHABLE[attach][1]
    expected = set(access.visible(Document.objects.filter(**{field: record}), user).values_list("pk", flat=True))
    assert {d.pk for d in documents_on(record, user)} == expected


def test_each_reader_sees_the_documents_of_the_records_she_may_see(her_records, operator, operator_b, coordinator):
    def shown(attach, user):
        return len(documents_on(her_records[attach], user))

    # Operator A: her referral (and its interview), hence the person; not the pathway.
    assert [shown(a, operator) for a in ("referral", "interview", "pathway")] == [2, 1, 0]
    assert shown("person", operator) == 3  # on her, on the referral, on the interview
    # Operator B's team holds the pathway, hence the person; not the referral.
    assert [shown(a, operator_b) for a in ("referral", "interview", "pathway")] == [0, 0, 1]
    assert shown("person", operator_b) == 2  # on her, on the pathway
    assert shown("person", coordinator) == 5  # the stranger's referral too


def test_restriction_empties_every_panel_for_operators(her_records, operator, operator_b, coordinator):
    restriction_set(person=her_records["person"], reason="art. 18", by=coordinator)
    for record in her_records.values():
        assert not documents_on(record, operator) and not documents_on(record, operator_b)
    assert len(documents_on(her_records["person"], coordinator)) == 5


def test_leaving_branches_out_never_shows_more(her_records, operator_b):
    """Asked of the wrong branch, the rule shows nothing rather than more (each branch keeps its condition)."""
    everything = Document.objects.all()
    assert not access.visible_documents_on(everything.filter(pathway=None), "pathway", operator_b).exists()
    shown = set(access.visible_documents_on(everything, "referral", operator_b).values_list("pk", flat=True))
    assert shown <= set(access.visible(everything, operator_b).values_list("pk", flat=True))
