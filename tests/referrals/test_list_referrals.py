from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import Referral
from tests import factories

MINE = reverse("referrals:mine")
ALL = reverse("referrals:all")


def _codes(response):
    return [r.person.case_code for r in response.context["page"].object_list]


def test_my_referrals_lists_only_mine(op_client, operator, operator_b):
    mine = factories.ReferralFactory(assigned_to=[operator])
    theirs = factories.ReferralFactory(assigned_to=[operator_b])
    response = op_client.get(MINE)
    assert response.status_code == 200
    assert _codes(response) == [mine.person.case_code]
    assert theirs.person.case_code not in response.text


def test_all_referrals_is_for_coordinators_only(op_client, admin_client_role, coord_client, operator, operator_b):
    factories.ReferralFactory(assigned_to=[operator])
    factories.ReferralFactory(assigned_to=[operator_b])
    factories.ReferralFactory()
    assert op_client.get(ALL).status_code == 404
    assert admin_client_role.get(ALL).status_code == 404
    assert admin_client_role.get(MINE).status_code == 404
    assert len(_codes(coord_client.get(ALL))) == 3


def test_it_shows_the_assigned_operators(coord_client, operator):
    factories.ReferralFactory(assigned_to=[operator])
    response = coord_client.get(ALL)
    assert operator.get_full_name() in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "new"}, {"new"}),
        ({"status": ["new", "closed"]}, {"new", "closed"}),
        ({"urgency": "immediate"}, {"immediate"}),
        ({"channel": "email"}, {"email"}),
    ],
)
def test_it_filters(coord_client, query, expected):
    factories.ReferralFactory(status="new", urgency="routine", channel="phone")
    factories.ReferralFactory(status="closed", outcome="declined", urgency="immediate", channel="email")
    factories.ReferralFactory(status="assigned", urgency="priority", channel="email")
    response = coord_client.get(ALL, query)
    rows = response.context["page"].object_list
    key = next(iter(query))
    assert {getattr(r, key) for r in rows} == expected


def test_it_filters_by_referring_body(coord_client):
    body = factories.PartnerBodyFactory(name="Prefettura Test")
    wanted = factories.ReferralFactory(referring_body=body)
    factories.ReferralFactory()
    response = coord_client.get(ALL, {"referring_body": body.pk})
    assert _codes(response) == [wanted.person.case_code]


def test_it_filters_by_received_between(coord_client):
    now = timezone.now()
    old = factories.ReferralFactory(received_at=now - datetime.timedelta(days=40))
    recent = factories.ReferralFactory(received_at=now - datetime.timedelta(days=3))
    start = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    response = coord_client.get(ALL, {"received_after": start})
    assert _codes(response) == [recent.person.case_code]
    end = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    response = coord_client.get(ALL, {"received_before": end})
    assert _codes(response) == [old.person.case_code]


def test_it_searches_by_case_code(coord_client):
    wanted = factories.ReferralFactory()
    factories.ReferralFactory()
    response = coord_client.get(ALL, {"q": wanted.person.case_code.lower()})
    assert _codes(response) == [wanted.person.case_code]


def test_it_sorts_newest_first_by_default_and_by_urgency_on_request(coord_client):
    now = timezone.now()
    a = factories.ReferralFactory(urgency="routine", received_at=now - datetime.timedelta(days=1))
    b = factories.ReferralFactory(urgency="immediate", received_at=now - datetime.timedelta(days=3))
    c = factories.ReferralFactory(urgency="priority", received_at=now - datetime.timedelta(days=2))
    assert _codes(coord_client.get(ALL)) == [r.person.case_code for r in (a, c, b)]
    assert _codes(coord_client.get(ALL, {"sort": "-urgency"})) == [r.person.case_code for r in (b, c, a)]
    assert _codes(coord_client.get(ALL, {"sort": "received"})) == [r.person.case_code for r in (b, c, a)]


def test_a_bad_filter_value_shows_a_message_not_a_500(coord_client):
    factories.ReferralFactory()
    response = coord_client.get(ALL, {"received_after": "yesterday", "status": "bogus", "sort": "nope", "page": "x"})
    assert response.status_code == 200


def test_it_paginates(coord_client, settings):
    settings.REFERRALS_PAGE_SIZE = 5
    factories.ReferralFactory.create_batch(7)
    first = coord_client.get(ALL)
    second = coord_client.get(ALL, {"page": 2})
    assert len(_codes(first)) == 5
    assert len(_codes(second)) == 2
    assert not set(_codes(first)) & set(_codes(second))


@pytest.mark.parametrize("rows", [5, 50])
def test_my_referrals_runs_a_constant_number_of_queries(
    op_client, operator, settings, django_assert_max_num_queries, rows
):
    settings.REFERRALS_PAGE_SIZE = 50
    for _ in range(rows):
        factories.ReferralFactory(assigned_to=[operator])
    with django_assert_max_num_queries(12):
        response = op_client.get(MINE)
    assert len(_codes(response)) == rows


@pytest.mark.parametrize("rows", [5, 50])
def test_all_referrals_runs_a_constant_number_of_queries(
    coord_client, operator, settings, django_assert_max_num_queries, rows
):
    settings.REFERRALS_PAGE_SIZE = 50
    for _ in range(rows):
        factories.ReferralFactory(assigned_to=[operator])
    with django_assert_max_num_queries(12):
        response = coord_client.get(ALL, {"status": ["assigned"], "sort": "-urgency"})
    assert len(_codes(response)) == rows


def test_it_never_shows_a_name_in_the_list(coord_client):
    referral = factories.ReferralFactory(person=factories.PersonFactory(first_name="Unica", last_name="Nomeacaso"))
    response = coord_client.get(ALL)
    assert referral.person.case_code in response.text
    assert "Nomeacaso" not in response.text


@pytest.mark.django_db
def test_the_list_filters_have_indexes():
    indexed = {tuple(i.fields) for i in Referral._meta.indexes}
    assert ("status", "-received_at") in indexed
    assert ("urgency", "-received_at") in indexed
    assert ("referring_body", "-received_at") in indexed
    assert ("status", "urgency", "-received_at") in indexed
    for name in ("channel", "received_at", "status", "urgency"):
        assert Referral._meta.get_field(name).db_index


def test_my_list_is_exactly_my_assignments_and_empty_once_deactivated(operator, operator_b):
    from referrals import selectors

    mine = factories.ReferralFactory(assigned_to=[operator])
    factories.ReferralFactory(assigned_to=[operator_b])
    assert list(selectors.referrals_for(operator, mine=True)) == [mine]
    operator.is_active = False
    operator.save()
    assert not selectors.referrals_for(operator, mine=True).exists()


def test_it_filters_by_several_statuses_and_urgencies_at_once(coord_client, operator, operator_b):
    wanted = [
        factories.ReferralFactory(status="new", urgency="immediate"),
        factories.ReferralFactory(status="assigned", urgency="priority", assigned_to=[operator, operator_b]),
    ]
    factories.ReferralFactory(status="assigned", urgency="routine")
    factories.ReferralFactory(status="closed", outcome="declined", urgency="immediate")
    response = coord_client.get(
        ALL, {"status": ["new", "assigned", "in_assessment"], "urgency": ["immediate", "priority"]}
    )
    assert sorted(_codes(response)) == sorted(r.person.case_code for r in wanted)
    assert response.context["page"].paginator.count == 2
    assert "2 referrals" in response.text or "2 segnalazioni" in response.text


def test_my_list_pages_through_all_of_mine_newest_first(op_client, operator, operator_b, settings):
    settings.REFERRALS_PAGE_SIZE = 2
    now = timezone.now()
    mine = [
        factories.ReferralFactory(assigned_to=[operator], received_at=now - datetime.timedelta(days=d))
        for d in (3, 1, 2)
    ]
    factories.ReferralFactory(assigned_to=[operator_b], received_at=now)
    first, second = op_client.get(MINE), op_client.get(MINE, {"page": 2})
    newest_first = [r.person.case_code for r in sorted(mine, key=lambda r: r.received_at, reverse=True)]
    assert _codes(first) + _codes(second) == newest_first
    assert first.context["page"].paginator.count == 3


def test_the_list_reads_no_encrypted_field(coord_client, operator):
    """A list page shows none of them: they stay in the database, not decrypted for each row."""
    factories.ReferralFactory(assigned_to=[operator])
    page = coord_client.get(ALL, {"sort": "body"}).context["page"]
    referral = page.object_list[0]
    assert {"reason", "closure_note"} <= referral.get_deferred_fields()
    assert {"first_name", "last_name", "aliases", "phone", "documents", "date_of_birth"} <= (
        referral.person.get_deferred_fields()
    )


def test_the_filter_box_keeps_the_choices_and_the_sort_order_chosen(coord_client):
    body = factories.PartnerBodyFactory(name="Questura <di> Lucca")
    factories.ReferralFactory(referring_body=body)
    html = coord_client.get(ALL, {"referring_body": body.pk, "channel": "phone", "sort": "-received"}).text
    assert f'<option value="{body.pk}" selected>Questura &lt;di&gt; Lucca</option>' in html
    assert '<option value="phone" selected>' in html
    assert '<option value="-received" selected>' in html
    assert "invalid-feedback" not in html
