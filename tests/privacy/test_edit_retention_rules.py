"""Retention rules: coordinators read and edit them; the lists of the nightly runs stay cheap."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from privacy.models import RetentionCandidate, RetentionRule, RetentionRun
from tests import factories


def test_it_lists_the_rules(coord_client):
    page = coord_client.get(reverse("privacy:rules")).content.decode()
    assert "referral closed without identification" in page and "notification" in page


def test_it_edits_a_rule_and_audits_it(coord_client):
    rule = RetentionRule.objects.get(kind="referral_not_identified")
    url = reverse("privacy:rule_edit", args=[rule.pk])
    assert coord_client.get(url).status_code == 200
    response = coord_client.post(url, {"trigger": "created", "months": "36", "action": "anonymise", "active": "on"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.trigger, rule.months, rule.updated_by.username) == ("created", 36, "coord")
    assert LogEntry.objects.get_for_object(rule).filter(action=LogEntry.Action.UPDATE).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"trigger": "closed", "months": "0", "action": "anonymise"}, "Enter a period between 1 and 600 months."),
        ({"trigger": "closed", "months": "24", "action": "delete"}, "Select a valid choice."),
        ({"trigger": "held", "months": "24", "action": "anonymise"}, "Select a valid choice."),
    ],
)
def test_it_refuses_a_bad_rule(coord_client, data, message):
    rule = RetentionRule.objects.get(kind="referral_not_identified")
    response = coord_client.post(reverse("privacy:rule_edit", args=[rule.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    rule.refresh_from_db()
    assert (rule.trigger, rule.months, rule.action) == ("closed", 24, "anonymise")


@pytest.mark.parametrize("client_name", ["op_client", "admin_client_role"])
def test_operators_and_admins_cannot_edit_rules(db, request, client_name):
    client = request.getfixturevalue(client_name)
    rule = RetentionRule.objects.get(kind="notification")
    assert client.get(reverse("privacy:rules")).status_code == 404
    url = reverse("privacy:rule_edit", args=[rule.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"trigger": "created", "months": "1", "action": "delete"}).status_code == 404
    rule.refresh_from_db()
    assert rule.months == 12


def _run_with(n: int) -> RetentionRun:
    import datetime

    run = RetentionRun.objects.create(due_on=datetime.date(2026, 3, 15))
    rule = RetentionRule.objects.get(kind="referral_not_identified")
    ct = ContentType.objects.get(app_label="referrals", model="referral")
    for _ in range(n):
        referral = factories.ReferralFactory()
        RetentionCandidate.objects.create(
            run=run, rule=rule, content_type=ct, object_id=referral.pk, person=referral.person
        )
    return run


def test_the_review_lists_take_the_same_queries_however_long(coord_client, django_assert_max_num_queries):
    small, large = _run_with(1), _run_with(15)
    coord_client.get(reverse("privacy:run", args=[small.pk]))  # warm caches
    with django_assert_max_num_queries(12):
        page = coord_client.get(reverse("privacy:run", args=[large.pk]))
    assert page.content.decode().count("Exclude (keep)") == 15
    with django_assert_max_num_queries(10):
        assert coord_client.get(reverse("privacy:runs")).status_code == 200
    with django_assert_max_num_queries(10):
        assert coord_client.get(reverse("privacy:rules")).status_code == 200
    with django_assert_max_num_queries(10):
        assert coord_client.get(reverse("privacy:index")).status_code == 200


def test_coordinators_find_the_workspace_in_the_menu(coord_client, op_client):
    assert 'id="nav-privacy"' in coord_client.get(reverse("home"), follow=True).content.decode()
    assert 'id="nav-privacy"' not in op_client.get(reverse("home"), follow=True).content.decode()


def test_it_finds_a_person_by_case_code(coord_client, operator):
    person = factories.ReferralFactory(assigned_to=[operator]).person
    response = coord_client.get(reverse("privacy:index"), {"code": person.case_code.lower()})
    assert response.status_code == 302 and response["Location"] == reverse("privacy:person", args=[person.pk])
    missing = coord_client.get(reverse("privacy:index"), {"code": "LU-1900-0001"})
    assert "No person has this case code." in missing.content.decode()
