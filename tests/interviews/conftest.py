from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english(request):
    """Assertions below read English labels: the users of these tests speak English."""
    for name in ("operator", "operator_b", "coordinator"):
        if name in request.fixturenames:
            user = request.getfixturevalue(name)
            user.language = "en"
            user.save(update_fields=["language"])
