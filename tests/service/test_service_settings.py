from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from ceis.service.models import DEFAULT_ACTIVATION_LINE, ServiceSettings
from ceis.service.selectors import service_settings
from ceis.service.services import service_settings_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_starts_with_the_activation_line_and_every_switch_at_its_default():
    row = service_settings()
    assert row.activation_line == DEFAULT_ACTIVATION_LINE == "335 6975107"
    assert row.catalogue_substitution is True
    assert row.closure_approval is True
    assert row.service_answer_days == 7
    assert ServiceSettings.objects.count() == 1


def test_it_keeps_one_row():
    service_settings()
    ServiceSettings(pec="x@pec.example.org").save()
    assert ServiceSettings.objects.count() == 1
    assert service_settings().pec == "x@pec.example.org"


def test_it_audits_a_change():
    admin = UserFactory()
    service_settings_update(by=admin, catalogue_substitution=False)
    assert service_settings().catalogue_substitution is False
    entry = LogEntry.objects.get_for_model(ServiceSettings).latest("timestamp")
    assert "catalogue_substitution" in entry.changes_dict


def test_it_refuses_an_unknown_or_invalid_setting():
    with pytest.raises(ValueError):
        service_settings_update(by=None, colour="red")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        service_settings_update(by=None, service_answer_days=0)
    assert service_settings().service_answer_days == 7
