"""Admins keep the list of cultural mediators; operators choose one in the interview, free text stays a fallback."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from interviews.models import Interview, Mediator
from referrals.models import ExploitationForm
from tests import factories

LIST = reverse("interviews:mediators")
NEW = reverse("interviews:mediator_create")


def test_an_admin_adds_edits_and_deactivates_a_mediator_audited(admin_client_role, admin_user):
    response = admin_client_role.post(
        NEW, {"name": "Mediatrice Prova", "languages": "Pidgin English, Edo", "sex": "female", "active": "on"}
    )
    assert response.status_code == 302
    mediator = Mediator.objects.get()
    assert (mediator.name, mediator.sex, mediator.active) == ("Mediatrice Prova", "female", True)
    admin_client_role.post(
        reverse("interviews:mediator_edit", args=[mediator.pk]),
        {"name": "Mediatrice Prova", "languages": "Edo", "sex": "female"},
    )
    mediator.refresh_from_db()
    assert mediator.active is False
    assert LogEntry.objects.get_for_object(mediator).latest("pk").actor == admin_user
    assert "Mediatrice Prova" in admin_client_role.get(LIST).text


@pytest.mark.parametrize("client_name", ["op_client", "coord_client"])
def test_operators_and_coordinators_get_404(db, request, client_name):
    c = request.getfixturevalue(client_name)
    mediator = Mediator.objects.create(name="M", languages="Edo")
    for url in (LIST, NEW, reverse("interviews:mediator_edit", args=[mediator.pk])):
        assert c.get(url).status_code == 404
        assert c.post(url, {"name": "x", "languages": "y"}).status_code == 404
    assert Mediator.objects.count() == 1


def test_a_mediator_chosen_in_the_interview_fills_name_sex_and_language(op_client, operator):
    mediator = Mediator.objects.create(name="Mediatrice Elenco", languages="Pidgin English, Edo", sex="female")
    Mediator.objects.create(name="Mediatore Inattivo", languages="Arabo", active=False)
    referral = factories.ReferralFactory(assigned_to=[operator], person=factories.PersonFactory(gender="female"))
    referral.exploitation_forms.set(ExploitationForm.objects.filter(code="labour"))
    url = reverse("interviews:record", args=[referral.pk])
    form = op_client.get(url).context["form"]
    assert list(form.fields["mediator"].queryset) == [mediator]
    held = timezone.localtime(timezone.now() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    op_client.post(url, {"held_at": held, "duration_minutes": "60", "action": "complete", "mediator": mediator.pk})
    interview = Interview.objects.get()
    assert interview.mediator == mediator
    assert (interview.mediator_name, interview.mediator_sex, interview.mediator_language) == (
        "Mediatrice Elenco",
        "female",
        "Pidgin English",
    )
    assert interview.interpreter_same_sex is True


def test_the_pages_have_clean_markup(admin_client_role):
    from tests.partners.helpers import assert_clean_markup

    mediator = Mediator.objects.create(name="M", languages="Edo")
    for url in (LIST, NEW, reverse("interviews:mediator_edit", args=[mediator.pk])):
        response = admin_client_role.get(url)
        assert response.status_code == 200
        assert_clean_markup(response.text)
