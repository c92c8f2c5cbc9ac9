from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _english(request):
    """Assertions read English messages: the users of these tests speak English."""
    for name in ("operator", "operator_b", "coordinator"):
        if name in request.fixturenames:
            user = request.getfixturevalue(name)
            user.language = "en"
            user.save(update_fields=["language"])


@pytest.fixture
def pathway(operator):
    return factories.PathwayFactory(assigned_to=[operator])
