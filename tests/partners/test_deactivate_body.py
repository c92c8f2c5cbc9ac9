from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from ceis.partners import services
from ceis.partners.models import PartnerBody
from referrals.models import Person, Referral
from tests import factories

from .helpers import assert_clean_markup


def deactivate(body) -> str:
    return reverse("partners:deactivate", args=[body.pk])


def reactivate(body) -> str:
    return reverse("partners:reactivate", args=[body.pk])


def intake_data(body) -> dict:
    received = timezone.localtime() - datetime.timedelta(hours=1)
    return {
        "referring_body": body.pk,
        "channel": Referral.Channel.PHONE,
        "received_at": received.strftime("%Y-%m-%dT%H:%M"),
        "urgency": Referral.Urgency.ROUTINE,
        "reason": "Segnalazione dal CAS",
        "last_name": "Okafor",
        "gender": Person.Gender.FEMALE,
    }


def test_it_asks_for_confirmation(admin_client_role, body):
    response = admin_client_role.get(deactivate(body))
    assert response.status_code == 200
    assert "Deactivate CAS Il Ponte?" in response.text
    assert f'id="cancel" href="{reverse("partners:detail", args=[body.pk])}"' in response.text
    assert_clean_markup(response.text)
    body.refresh_from_db()
    assert body.active


def test_it_deactivates_on_post(admin_client_role, body):
    response = admin_client_role.post(deactivate(body))
    assert response.status_code == 302
    assert response.url == reverse("partners:detail", args=[body.pk])
    body.refresh_from_db()
    assert not body.active


def test_it_never_deletes_the_body(admin_client_role, body):
    referral = factories.ReferralFactory(referring_body=body)
    admin_client_role.post(deactivate(body))
    assert PartnerBody.objects.filter(pk=body.pk).exists()
    referral.refresh_from_db()
    assert referral.referring_body_id == body.pk


def test_it_drops_the_body_from_the_active_list(admin_client_role, body):
    admin_client_role.post(deactivate(body))
    response = admin_client_role.get(reverse("partners:list"))
    assert f'id="body-{body.pk}"' not in response.text


def test_it_says_what_happened(admin_client_role, body):
    response = admin_client_role.post(deactivate(body), follow=True)
    assert "CAS Il Ponte deactivated." in response.text
    assert 'id="reactivate-body"' in response.text


def test_it_refuses_an_inactive_body_at_intake(op_client, body):
    services.partner_body_set_active(body=body, active=False, by=factories.AdminFactory())
    form_page = op_client.get(reverse("referrals:intake"))
    assert body not in form_page.context["form"].fields["referring_body"].queryset
    assert "CAS Il Ponte" not in form_page.text
    response = op_client.post(reverse("referrals:intake"), intake_data(body))
    assert response.status_code == 200
    assert response.context["form"].has_error("referring_body", code="invalid_choice")
    assert "This body is not active: choose an active referring body." in response.text
    assert not Referral.objects.exists()
    assert not Person.objects.exists()


def test_it_offers_a_reactivated_body_at_intake_again(op_client, body, admin_user):
    services.partner_body_set_active(body=body, active=False, by=admin_user)
    services.partner_body_set_active(body=body, active=True, by=admin_user)
    response = op_client.post(reverse("referrals:intake"), intake_data(body))
    assert response.status_code == 302
    assert Referral.objects.get().referring_body == body


def test_it_asks_before_reactivating(admin_client_role):
    closed = factories.PartnerBodyFactory(name="CAS Chiuso", active=False)
    response = admin_client_role.get(reactivate(closed))
    assert "Reactivate CAS Chiuso?" in response.text
    closed.refresh_from_db()
    assert not closed.active


def test_it_reactivates_on_post(admin_client_role):
    closed = factories.PartnerBodyFactory(active=False)
    assert admin_client_role.post(reactivate(closed)).status_code == 302
    closed.refresh_from_db()
    assert closed.active


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_does_nothing_when_already_inactive(admin_client_role, method):
    closed = factories.PartnerBodyFactory(active=False)
    response = getattr(admin_client_role, method)(deactivate(closed), follow=True)
    assert response.redirect_chain[-1][0] == reverse("partners:detail", args=[closed.pk])
    assert "is already inactive" in response.text
    assert not LogEntry.objects.get_for_object(closed).filter(action=LogEntry.Action.UPDATE).exists()


def test_it_audits_the_deactivation(admin_client_role, admin_user, body):
    admin_client_role.post(deactivate(body))
    entry = LogEntry.objects.get_for_object(body).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == admin_user
    assert entry.changes_dict["active"] == ["True", "False"]


def test_the_service_reports_whether_anything_changed(admin_user, body):
    assert services.partner_body_set_active(body=body, active=False, by=admin_user) is True
    assert services.partner_body_set_active(body=body, active=False, by=admin_user) is False
    assert body.active is False
    assert PartnerBody.objects.get(pk=body.pk).active is False


@pytest.mark.parametrize("view", ["partners:deactivate", "partners:reactivate"])
def test_it_answers_404_for_an_unknown_body(admin_client_role, view):
    assert admin_client_role.get(reverse(view, args=[999999])).status_code == 404


@pytest.mark.parametrize("client_name", ["op_client", "coord_client"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_answers_404_to_operators_and_coordinators(request, client_name, method, body):
    closed = factories.PartnerBodyFactory(active=False)
    client = request.getfixturevalue(client_name)
    assert getattr(client, method)(deactivate(body)).status_code == 404
    assert getattr(client, method)(reactivate(closed)).status_code == 404
    body.refresh_from_db()
    closed.refresh_from_db()
    assert body.active and not closed.active


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_redirects_anonymous_users_to_login(anon_client, method, body):
    response = getattr(anon_client, method)(deactivate(body))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    body.refresh_from_db()
    assert body.active
