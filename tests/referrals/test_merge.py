"""A coordinator merges two records of the same person, and may undo it the same (Italian) day."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ceis import access
from ceis.audit.models import Event
from referrals import merge as merging
from referrals.models import Person, PersonMerge, Referral
from tests import factories

ROME = zoneinfo.ZoneInfo("Europe/Rome")


def _document(person, by, referral=None):
    from ceis.crypto import fernet
    from documents.models import Document

    return Document.objects.create(
        person=person,
        referral=referral,
        kind="other",
        date=timezone.localdate(),
        file_type="application/pdf",
        size=8,
        content=fernet().encrypt(b"%PDF-1.7").decode(),
        uploaded_by=by,
    )


@pytest.fixture
def kept(operator):
    """The record to keep: a referral of operator A."""
    return factories.ReferralFactory(assigned_to=[operator]).person


@pytest.fixture
def other(operator_b, coordinator):
    """The second record of the same person: a referral of operator B, an interview, a pathway with a service
    requested (consent and disclosure), a legal basis and a document of her own."""
    from tests.protection.services_helpers import request as service_request

    person = factories.PersonFactory(first_name="Blessing", last_name="Osazu")
    referral = factories.ReferralFactory(person=person, assigned_to=[operator_b])
    factories.InterviewFactory(referral=referral)
    pathway = factories.PathwayFactory(person=person, referral=referral, assigned_to=[operator_b])
    service_request(by=coordinator, pathway=pathway)
    factories.ConsentFactory(person=person, interpreter="Mediatrice riservata")
    factories.LegalBasisFactory(person=person)
    _document(person, operator_b)
    return person


def _beneath(person) -> dict[str, list[int]]:
    """Every row pointing to ``person`` through a relation the merge moves, by relation."""
    from django.apps import apps
    from django.db import models

    rows = {}
    for (label, field), policy in merging.POLICY.items():
        if policy is merging.Policy.MOVE:
            qs = models.QuerySet(apps.get_model(label)).filter(**{field: person})
            rows[f"{label}.{field}"] = sorted(qs.values_list("pk", flat=True))
    return rows


def _confirm(client, kept, other, survivor=None, **extra):
    url = reverse("referrals:person_merge_confirm", args=[kept.pk, other.pk])
    return client.post(url, {"survivor": (survivor or kept).pk, "confirm": "on", **extra})


# --- every relation is handled ---------------------------------------------------------------------------------


def test_every_relation_to_a_person_says_what_a_merge_does_with_it():
    """A new foreign key to Person fails this until ``referrals.merge.POLICY`` says whether it moves."""
    assert set(merging.person_relations()) == set(merging.POLICY), (
        "add each new relation to referrals.merge.POLICY: "
        f"{sorted(set(merging.person_relations()) - set(merging.POLICY))}"
    )


# --- the merge --------------------------------------------------------------------------------------------------


def test_it_moves_every_record_beneath_the_other_person_to_the_one_kept(coord_client, kept, other):
    before = _beneath(other)
    assert before["referrals.Referral.person"] and before["protection.ProtectionPathway.person"]
    assert before["consent.Consent.person"] and before["consent.LegalBasis.person"]
    assert before["consent.Disclosure.person"] and before["documents.Document.person"]
    assert before["protection.ServiceReferral.person"]
    kept_rows = _beneath(kept)

    response = _confirm(coord_client, kept, other)

    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:person", args=[kept.pk])
    after_kept, after_other = _beneath(kept), _beneath(other)
    for key, ids in before.items():
        assert after_other[key] == []
        assert set(ids) <= set(after_kept[key]), key
        assert set(kept_rows[key]) <= set(after_kept[key]), key
    other.refresh_from_db()
    assert other.merged_into_id == kept.pk
    merge = PersonMerge.objects.get()
    assert (merge.survivor, merge.absorbed) == (kept, other)
    assert merge.moved == {k: v for k, v in before.items() if v}
    # the interviews follow their referral
    assert Referral.objects.get(pk=before["referrals.Referral.person"][0]).interviews.count() == 1


def test_the_assignments_move_with_the_records(coord_client, kept, other, operator_b):
    """Operator B, assigned to the other record's referral and pathway, now reaches the person kept."""
    _confirm(coord_client, kept, other)
    assert access.can_view(operator_b, kept)
    assert not access.can_view(operator_b, Person.objects.get(pk=other.pk))


def test_encrypted_fields_stay_encrypted_and_unchanged(coord_client, kept, other):
    from ceis.consent.models import Consent

    table = Consent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT interpreter FROM {table} WHERE person_id = %s", [other.pk])  # noqa: S608
        (stored,) = cursor.fetchone()
    assert "Mediatrice" not in stored

    _confirm(coord_client, kept, other)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT interpreter FROM {table} WHERE person_id = %s", [kept.pk])  # noqa: S608
        assert stored in [row[0] for row in cursor.fetchall()]  # the same ciphertext, never rewritten in clear
    assert "Mediatrice riservata" in [c.interpreter for c in Consent.objects.filter(person=kept)]


def test_the_coordinator_may_keep_the_other_case_code(coord_client, kept, other):
    response = _confirm(coord_client, kept, other, survivor=other)
    assert response["Location"] == reverse("referrals:person", args=[other.pk])
    assert Person.objects.get(pk=kept.pk).merged_into_id == other.pk
    assert not Referral.objects.filter(person=kept).exists()


def test_the_confirmation_page_shows_both_records_before_anything_moves(coord_client, kept, other):
    response = coord_client.get(reverse("referrals:person_merge_confirm", args=[kept.pk, other.pk]))
    assert response.status_code == 200
    assert kept.case_code in response.text and other.case_code in response.text
    assert "Osazu" in response.text
    assert not PersonMerge.objects.exists()
    assert Person.objects.get(pk=other.pk).merged_into_id is None


def test_the_start_page_leads_to_the_confirmation_by_case_code(coord_client, kept, other):
    url = reverse("referrals:person_merge", args=[kept.pk])
    assert coord_client.get(url).status_code == 200
    response = coord_client.post(url, {"case_code": other.case_code.lower()})
    assert response["Location"] == reverse("referrals:person_merge_confirm", args=[kept.pk, other.pk])


@pytest.mark.parametrize("code", ["", "LU-1900-9999", "x" * 500, "' OR 1=1 --", "\x00"])
def test_a_wrong_case_code_is_a_message_never_a_500(coord_client, kept, code):
    response = coord_client.post(reverse("referrals:person_merge", args=[kept.pk]), {"case_code": code})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_a_record_cannot_be_merged_with_itself(coord_client, kept):
    response = coord_client.post(reverse("referrals:person_merge", args=[kept.pk]), {"case_code": kept.case_code})
    assert "case_code" in response.context["form"].errors
    response = coord_client.post(reverse("referrals:person_merge_confirm", args=[kept.pk, kept.pk]), {})
    assert response.status_code == 404


@pytest.mark.parametrize("survivor", ["", "abc", "999999", "1.5"])
def test_a_wrong_choice_on_the_confirmation_changes_nothing(coord_client, kept, other, survivor):
    url = reverse("referrals:person_merge_confirm", args=[kept.pk, other.pk])
    response = coord_client.post(url, {"survivor": survivor, "confirm": "on"})
    assert response.status_code == 200
    assert "survivor" in response.context["form"].errors
    assert not PersonMerge.objects.exists()


def test_without_the_confirmation_tick_nothing_moves(coord_client, kept, other):
    url = reverse("referrals:person_merge_confirm", args=[kept.pk, other.pk])
    response = coord_client.post(url, {"survivor": kept.pk})
    assert "confirm" in response.context["form"].errors
    assert not PersonMerge.objects.exists()
    assert Referral.objects.filter(person=other).exists()


def test_the_same_confirmation_sent_twice_merges_once(coord_client, kept, other):
    first = _confirm(coord_client, kept, other)
    second = _confirm(coord_client, kept, other)
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert PersonMerge.objects.count() == 1
    assert Event.objects.filter(kind=Event.Kind.MERGE).count() == 2


def test_an_erased_person_cannot_be_merged(coord_client, coordinator, kept, other):
    from privacy import services

    services.person_erase(person=other, by=coordinator)
    response = _confirm(coord_client, kept, other)
    assert response.status_code == 200
    assert not PersonMerge.objects.exists()
    assert Referral.objects.filter(person=other).exists()


def test_a_second_merge_leaves_no_chain_of_aliases(coordinator, kept, other):
    third = factories.ReferralFactory().person
    first = merging.merge_people(survivor=other, absorbed=third, by=coordinator)
    second = merging.merge_people(survivor=kept, absorbed=other, by=coordinator)
    assert Person.objects.get(pk=third.pk).merged_into_id == kept.pk
    merging.merge_undo(merge=second, by=coordinator)
    assert Person.objects.get(pk=third.pk).merged_into_id == other.pk
    merging.merge_undo(merge=first, by=coordinator)
    assert Person.objects.get(pk=third.pk).merged_into_id is None
    assert Referral.objects.filter(person=third).count() == 1


def test_the_merge_is_one_transaction(coordinator, kept, other, monkeypatch):
    """A failure halfway (here: writing the merge record) leaves both records as they were."""
    before_kept, before_other = _beneath(kept), _beneath(other)

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(PersonMerge.objects, "create", boom)
    with pytest.raises(RuntimeError):
        merging.merge_people(survivor=kept, absorbed=other, by=coordinator)
    assert (_beneath(kept), _beneath(other)) == (before_kept, before_other)
    assert Person.objects.get(pk=other.pk).merged_into_id is None


# --- old links of the merged case code ---------------------------------------------------------------------------


def test_the_old_links_lead_to_the_record_kept(coord_client, op_client, kept, other):
    _confirm(coord_client, kept, other)
    for client in (coord_client, op_client):
        response = client.get(reverse("referrals:person", args=[other.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("referrals:person", args=[kept.pk])
    response = op_client.get(reverse("referrals:person_edit", args=[other.pk]))
    assert response["Location"] == reverse("referrals:person_edit", args=[kept.pk])


def test_the_old_links_are_404_to_whoever_may_not_see_the_record_kept(coord_client, kept, other, db):
    _confirm(coord_client, kept, other)
    stranger = factories.OperatorFactory()
    from django.test import Client

    client = Client()
    client.force_login(stranger)
    assert client.get(reverse("referrals:person", args=[other.pk])).status_code == 404
    assert client.get(reverse("referrals:person", args=[kept.pk])).status_code == 404


def test_the_record_kept_shows_the_merged_case_code_to_coordinators_only(coord_client, op_client, kept, other):
    _confirm(coord_client, kept, other)
    assert other.case_code in coord_client.get(reverse("referrals:person", args=[kept.pk])).text
    # operator A holds only the record kept: she does not learn that another record of the person existed
    assert other.case_code not in op_client.get(reverse("referrals:person", args=[kept.pk])).text


def test_the_privacy_workspace_lists_the_record_kept_not_the_alias(coord_client, coordinator, kept, other):
    from privacy import services

    services.legal_hold_set(person=other, reason="Procedimento penale", by=coordinator)
    merging.merge_people(survivor=kept, absorbed=other, by=coordinator)
    response = coord_client.get(reverse("privacy:index"))
    assert reverse("privacy:person", args=[kept.pk]) in response.text
    assert reverse("privacy:person", args=[other.pk]) not in response.text


def test_the_merged_record_no_longer_appears_anywhere_on_its_own(coord_client, coordinator, kept, other):
    _confirm(coord_client, kept, other)
    assert not access.visible(Person, coordinator).filter(pk=other.pk).exists()
    assert coord_client.get(reverse("referrals:person_merge", args=[other.pk])).status_code == 404


# --- audit ------------------------------------------------------------------------------------------------------


def test_both_sides_and_the_move_are_audited(coord_client, coordinator, kept, other):
    moved = {k: len(v) for k, v in _beneath(other).items() if v}
    _confirm(coord_client, kept, other)
    merge = PersonMerge.objects.get()
    events = {e.target_id: e for e in Event.objects.filter(kind=Event.Kind.MERGE)}
    assert set(events) == {str(kept.pk), str(other.pk)}
    assert all(e.actor == coordinator for e in events.values())
    assert events[str(kept.pk)].details == {
        "merge": merge.pk,
        "side": "survivor",
        "other": other.case_code,
        "moved": moved,
        "carried": [],
    }
    assert events[str(other.pk)].details["side"] == "absorbed"
    assert "Osazu" not in str([e.details for e in events.values()])


def test_the_confirmation_page_is_an_audited_read_of_both(coord_client, coordinator, kept, other):
    from auditlog.models import LogEntry

    coord_client.get(reverse("referrals:person_merge_confirm", args=[kept.pk, other.pk]))
    read = set(
        LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=coordinator).values_list("object_pk", flat=True)
    )
    assert {str(kept.pk), str(other.pk)} <= read


# --- restriction and legal hold -----------------------------------------------------------------------------------


def test_a_legal_hold_and_a_restriction_are_shown_and_carried_over(coord_client, coordinator, kept, other):
    from privacy import services
    from privacy.models import LegalHold, Restriction

    services.legal_hold_set(person=other, reason="Procedimento penale", by=coordinator)
    services.restriction_set(person=other, reason="Art. 18", by=coordinator)

    page = coord_client.get(reverse("referrals:person_merge_confirm", args=[kept.pk, other.pk]))
    assert 'id="merge-flags"' in page.text
    assert str(LegalHold._meta.verbose_name).capitalize() in page.text
    assert str(Restriction._meta.verbose_name).capitalize() in page.text

    _confirm(coord_client, kept, other)
    assert LegalHold.objects.get(person=kept).reason == "Procedimento penale"
    assert Restriction.objects.filter(person=kept).exists()
    merge = PersonMerge.objects.get()
    assert set(merge.carried) == {"privacy.LegalHold", "privacy.Restriction"}

    merging.merge_undo(merge=merge, by=coordinator)
    assert not LegalHold.objects.filter(person=kept).exists()
    assert not Restriction.objects.filter(person=kept).exists()
    assert LegalHold.objects.filter(person=other).exists()


def test_a_restriction_carried_over_hides_the_merged_records_from_operators(
    coord_client, coordinator, operator, kept, other
):
    from privacy import services

    services.restriction_set(person=other, reason="Art. 18", by=coordinator)
    assert access.can_view(operator, kept)
    _confirm(coord_client, kept, other)
    assert not access.can_view(operator, kept)
    assert not access.visible(Referral, operator).exists()


def test_a_hold_already_on_the_record_kept_stays_as_it_is(coordinator, kept, other):
    from privacy import services
    from privacy.models import LegalHold

    mine = services.legal_hold_set(person=kept, reason="Prima", by=coordinator)
    services.legal_hold_set(person=other, reason="Seconda", by=coordinator)
    merge = merging.merge_people(survivor=kept, absorbed=other, by=coordinator)
    assert LegalHold.objects.get(person=kept) == mine
    assert merge.carried == {}
    merging.merge_undo(merge=merge, by=coordinator)
    assert LegalHold.objects.get(person=kept) == mine


# --- undo ---------------------------------------------------------------------------------------------------------


def test_a_coordinator_undoes_the_merge_the_same_day(coord_client, coordinator, kept, other, operator):
    before_kept, before_other = _beneath(kept), _beneath(other)
    _confirm(coord_client, kept, other)
    merge = PersonMerge.objects.get()
    # a referral recorded for the person kept after the merge stays with her
    later = factories.ReferralFactory(person=kept)

    page = coord_client.get(reverse("referrals:person", args=[kept.pk]))
    assert reverse("referrals:merge_undo", args=[merge.pk]) in page.text
    assert coord_client.get(reverse("referrals:merge_undo", args=[merge.pk])).status_code == 200
    response = coord_client.post(reverse("referrals:merge_undo", args=[merge.pk]))

    assert response["Location"] == reverse("referrals:person", args=[other.pk])
    assert _beneath(other) == before_other
    after_kept = _beneath(kept)
    assert after_kept["referrals.Referral.person"] == sorted([*before_kept["referrals.Referral.person"], later.pk])
    assert Person.objects.get(pk=other.pk).merged_into_id is None
    merge.refresh_from_db()
    assert merge.undone_by == coordinator
    undo_events = Event.objects.filter(kind=Event.Kind.MERGE_UNDO)
    assert {e.target_id for e in undo_events} == {str(kept.pk), str(other.pk)}
    # undone once: the route refuses a second undo with a message
    again = coord_client.post(reverse("referrals:merge_undo", args=[merge.pk]), follow=True)
    assert "already been undone" in again.text or "già stata annullata" in again.text
    assert Event.objects.filter(kind=Event.Kind.MERGE_UNDO).count() == 2


def _made_at(merge, when: datetime.datetime) -> PersonMerge:
    PersonMerge.objects.filter(pk=merge.pk).update(at=when)
    merge.refresh_from_db()
    return merge


def test_the_day_is_the_italian_calendar_day(coordinator, kept, other):
    merge = merging.merge_people(survivor=kept, absorbed=other, by=coordinator)
    # 23:30 in Rome is 22:30 UTC (winter): the next Italian day starts half an hour later
    _made_at(merge, datetime.datetime(2026, 12, 1, 23, 30, tzinfo=ROME))
    assert merging.undo_refusal(merge, now=datetime.datetime(2026, 12, 1, 23, 59, tzinfo=ROME)) is None
    assert merging.undo_refusal(merge, now=datetime.datetime(2026, 12, 2, 0, 0, tzinfo=ROME))
    # in UTC terms both instants are on 1 December: a UTC day would wrongly allow the undo
    assert datetime.datetime(2026, 12, 2, 0, 0, tzinfo=ROME).astimezone(datetime.UTC).day == 1


def test_there_is_no_undo_the_next_day(coord_client, coordinator, kept, other):
    merge = merging.merge_people(survivor=kept, absorbed=other, by=coordinator)
    yesterday = timezone.localtime() - datetime.timedelta(days=1)
    _made_at(merge, yesterday)

    page = coord_client.get(reverse("referrals:person", args=[kept.pk]))
    assert reverse("referrals:merge_undo", args=[merge.pk]) not in page.text
    response = coord_client.post(reverse("referrals:merge_undo", args=[merge.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("referrals:person", args=[kept.pk])
    assert "only on the day" in response.text or "solo nel giorno" in response.text
    assert Person.objects.get(pk=other.pk).merged_into_id == kept.pk
    with pytest.raises(merging.MergeRefused):
        merging.merge_undo(merge=merge, by=coordinator)


def test_the_clock_decides_the_undo(coord_client, coordinator, kept, other, monkeypatch):
    """Freezing ``timezone.now`` a day later: the undo button is gone and the route refuses."""
    merge = merging.merge_people(survivor=kept, absorbed=other, by=coordinator)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    assert merging.undoable_merges(kept) == []
    response = coord_client.post(reverse("referrals:merge_undo", args=[merge.pk]))
    assert response.status_code == 302
    assert Person.objects.get(pk=other.pk).merged_into_id == kept.pk


# --- who may merge ------------------------------------------------------------------------------------------------


def test_operators_cannot_merge_even_records_they_hold(op_client, operator, kept):
    mine_too = factories.ReferralFactory(assigned_to=[operator]).person
    urls = [
        reverse("referrals:person_merge", args=[kept.pk]),
        reverse("referrals:person_merge_confirm", args=[kept.pk, mine_too.pk]),
    ]
    for url in urls:
        assert op_client.get(url).status_code == 404
        assert (
            op_client.post(url, {"case_code": mine_too.case_code, "survivor": kept.pk, "confirm": "on"}).status_code
            == 404
        )
    assert not PersonMerge.objects.exists()
    assert Person.objects.get(pk=mine_too.pk).merged_into_id is None


def test_operators_cannot_undo_a_merge(op_client, coordinator, kept, other):
    merge = merging.merge_people(survivor=kept, absorbed=other, by=coordinator)
    assert op_client.get(reverse("referrals:merge_undo", args=[merge.pk])).status_code == 404
    assert op_client.post(reverse("referrals:merge_undo", args=[merge.pk])).status_code == 404
    assert Person.objects.get(pk=other.pk).merged_into_id == kept.pk


def test_an_admin_gets_404_on_every_merge_route(admin_client_role, coordinator, kept, other):
    third = factories.PersonFactory()
    merge = merging.merge_people(survivor=kept, absorbed=other, by=coordinator)
    for url in (
        reverse("referrals:person_merge", args=[kept.pk]),
        reverse("referrals:person_merge_confirm", args=[kept.pk, third.pk]),
        reverse("referrals:merge_undo", args=[merge.pk]),
    ):
        assert admin_client_role.get(url).status_code == 404
        assert admin_client_role.post(url, {"survivor": kept.pk, "confirm": "on"}).status_code == 404


def test_records_that_do_not_exist_are_404(coord_client, kept):
    assert coord_client.get(reverse("referrals:person_merge", args=[999999])).status_code == 404
    assert coord_client.get(reverse("referrals:person_merge_confirm", args=[kept.pk, 999999])).status_code == 404
    assert coord_client.get(reverse("referrals:merge_undo", args=[999999])).status_code == 404


# --- the person page: all her referrals and pathways, within the reader's access -------------------------------


def test_the_person_page_lists_her_referrals_and_pathways_within_access(op_client, coord_client, operator, kept):
    mine = factories.PathwayFactory(person=kept, assigned_to=[operator])
    hidden_pathway = factories.PathwayFactory(person=kept)
    hidden_referral = factories.ReferralFactory(person=kept)

    response = op_client.get(reverse("referrals:person", args=[kept.pk]))
    assert reverse("protection:detail", args=[mine.pk]) in response.text
    assert reverse("protection:detail", args=[hidden_pathway.pk]) not in response.text
    assert reverse("referrals:detail", args=[hidden_referral.pk]) not in response.text
    assert "Merge with another record" not in response.text and "Unisci" not in response.text

    response = coord_client.get(reverse("referrals:person", args=[kept.pk]))
    for url in (
        reverse("protection:detail", args=[mine.pk]),
        reverse("protection:detail", args=[hidden_pathway.pk]),
        reverse("referrals:detail", args=[hidden_referral.pk]),
    ):
        assert url in response.text
    assert reverse("referrals:person_merge", args=[kept.pk]) in response.text


def _person_page_queries(client, person) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("referrals:person", args=[person.pk])).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("client_name", ["op_client", "coord_client"])
def test_the_person_page_costs_the_same_queries_however_many_records(
    request, client_name, operator, coordinator, kept, other, django_assert_max_num_queries
):
    client = request.getfixturevalue(client_name)
    _person_page_queries(client, kept)  # caches warmed (content types, session)
    few = _person_page_queries(client, kept)
    for _ in range(4):
        factories.ReferralFactory(person=kept, assigned_to=[operator])
        factories.PathwayFactory(person=kept, assigned_to=[operator])
    merging.merge_people(survivor=kept, absorbed=other, by=coordinator)
    many = _person_page_queries(client, kept)
    assert many == few
    with django_assert_max_num_queries(few):
        client.get(reverse("referrals:person", args=[kept.pk]))


# --- the old case code and the old names lead to the record kept ---------------------------------------------------


def test_the_old_case_code_finds_the_record_kept(coord_client, op_client, operator, coordinator, kept, other):
    from referrals import selectors

    merging.merge_people(survivor=kept, absorbed=other, by=coordinator)
    assert selectors.person_by_code(other.case_code.lower(), coordinator) == kept
    assert selectors.person_by_code(other.case_code, operator) == kept  # she holds the record kept
    assert selectors.person_by_code(other.case_code, factories.OperatorFactory()) is None
    response = coord_client.get(reverse("privacy:index"), {"code": other.case_code})
    assert response["Location"] == reverse("privacy:person", args=[kept.pk])


def test_a_search_by_the_old_name_finds_the_record_kept(op_client, coordinator, kept, other):
    merging.merge_people(survivor=kept, absorbed=other, by=coordinator)
    response = op_client.post(reverse("referrals:search"), {"name": "Blessing Osazu"})
    assert [p.pk for p in response.context["people"]] == [kept.pk]


# --- what follows the records: their audit trail and the stored figures ------------------------------------------


def test_each_record_moved_has_its_own_audit_entry(coordinator, kept, other):
    from auditlog.models import LogEntry

    referral = other.referrals.get()
    merging.merge_people(survivor=kept, absorbed=other, by=coordinator)
    entry = LogEntry.objects.filter(
        action=LogEntry.Action.UPDATE, object_pk=str(referral.pk), content_type__model="referral"
    ).latest("pk")
    assert entry.actor == coordinator
    assert entry.changes_dict["person"] == [str(other.pk), str(kept.pk)]


def test_the_stored_figures_of_the_records_moved_are_marked(coordinator, kept, other, monkeypatch):
    """The statistics count people by their referrals and the caseload figures show case codes: both follow."""
    from caseload import caseload_snapshots
    from stats import snapshots

    marked = {"stats": [], "caseload": []}
    monkeypatch.setattr(snapshots, "changed", lambda *a, **k: marked["stats"].append((a, k)))
    monkeypatch.setattr(caseload_snapshots, "changed", lambda *a, **k: marked["caseload"].append((a, k)))
    referral, pathway = other.referrals.get(), other.pathways.get()
    merge = merging.merge_people(survivor=kept, absorbed=other, by=coordinator)
    assert marked["stats"]
    roots = [k.get("roots", {}) for _, k in marked["caseload"]]
    assert {"referrals.Referral": [referral.pk]} in roots
    assert {"protection.ProtectionPathway": [pathway.pk]} in roots
    marked["caseload"].clear()
    merging.merge_undo(merge=merge, by=coordinator)
    assert {"referrals.Referral": [referral.pk]} in [k.get("roots", {}) for _, k in marked["caseload"]]


# --- data-subject rights reach the merged record -----------------------------------------------------------------


def test_erasing_the_record_kept_erases_the_names_of_the_merged_one(coordinator, kept, other):
    from privacy import services
    from privacy.scrub import PLACEHOLDER
    from referrals import selectors

    merging.merge_people(survivor=kept, absorbed=other, by=coordinator)
    services.person_erase(person=kept, by=coordinator)
    alias = Person.objects.get(pk=other.pk)
    assert (alias.first_name, alias.last_name) == (PLACEHOLDER, "")
    assert not selectors.people_named("Blessing Osazu", coordinator).exists()


def test_retention_leaves_the_merged_record_to_follow_the_record_kept(coordinator, kept, other):
    from privacy.models import RetentionRule
    from privacy.retention import due

    merging.merge_people(survivor=kept, absorbed=other, by=coordinator)
    rule = RetentionRule.objects.get(kind="person_inactive")
    later = timezone.now() + datetime.timedelta(days=31 * (rule.months + 1))
    assert other.pk not in set(due(rule, now=later).values_list("pk", flat=True))
