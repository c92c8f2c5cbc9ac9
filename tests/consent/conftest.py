from __future__ import annotations

import pytest

from ceis.consent.models import InformationNotice


@pytest.fixture(autouse=True)
def _english(request):
    """Assertions read English labels and messages: the users of these tests speak English."""
    for name in ("operator", "operator_b", "coordinator"):
        if name in request.fixturenames:
            user = request.getfixturevalue(name)
            user.language = "en"
            user.save(update_fields=["language"])


@pytest.fixture
def notice(db):
    """The notice in use in English (seeded by the data migration)."""
    return InformationNotice.objects.get(version="2026.1", language="English")


@pytest.fixture
def person_a(referral_a):
    """A person visible to operator A only (through her referral)."""
    return referral_a.person
