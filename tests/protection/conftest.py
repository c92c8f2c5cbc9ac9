from __future__ import annotations

import pytest

from ceis import access
from protection.models import ProtectionPathway
from tests import factories


def _open_pathway(operator) -> ProtectionPathway:
    pathway = ProtectionPathway.objects.create(person=factories.PersonFactory(), legal_basis="art18_social")
    access.assign(pathway, operator, by=operator)
    return pathway


@pytest.fixture
def parts_pathway(operator):
    """An open pathway assigned to operator A only (for the tests of the records beneath it)."""
    return _open_pathway(operator)


@pytest.fixture
def parts_other_pathway(operator):
    """A second pathway of operator A, for records that must not cross from one pathway to another."""
    return _open_pathway(operator)


@pytest.fixture
def parts_english(request):
    """The tests of the parts assert English text: their users speak English."""
    for name in ("operator", "operator_b", "coordinator"):
        if name in request.fixturenames:
            user = request.getfixturevalue(name)
            user.language = "en"
            user.save(update_fields=["language"])
