"""Partner pages are tested in English (``user.language = "en"``), so assertions on messages hold
whether or not the Italian catalogue has been written."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories


@pytest.fixture
def operator(db):
    return factories.OperatorFactory(username="op_a", language="en")


@pytest.fixture
def coordinator(db):
    return factories.CoordinatorFactory(username="coord", language="en")


@pytest.fixture
def admin_user(db):
    return factories.AdminFactory(username="admin_role", language="en")


@pytest.fixture
def anon_client(db):
    return Client()


@pytest.fixture
def body(db):
    return factories.PartnerBodyFactory(name="CAS Il Ponte", municipality="Capannori", phone="0583 000000")
