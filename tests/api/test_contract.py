"""Contract tests: schemathesis generates requests from the API's own OpenAPI schema and sends them to the
WSGI application in-process, with each role's token. Every answer: no server error, a status code and a body
that the schema documents, and an operator's token never reads operator A's records.

Bounded: a fixed number of examples per operation and role (derandomized, so a run is repeatable).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests import factories

from .conftest import token_for

pytestmark = pytest.mark.django_db

EXAMPLES = 8  # per operation, per role, per strategy (random ids, and the ids of operator A's records)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ROLES = ["operator", "operator_b", "coordinator", "admin_user", "partner", "network_user"]


@pytest.fixture
def wsgi_app(settings):
    """The WSGI application, run in the test's own transaction (as Django's test client does: the handler's
    connection closing is switched off for the duration)."""
    settings.API_THROTTLE_RATE = "100000/min"
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(operator, operator_b, partner):
    """Operator A's referral, interview and pathway (a name that must never come out), and one of B's."""
    referral = factories.ReferralFactory(
        assigned_to=[operator], person=factories.PersonFactory(first_name="Nascosta", last_name="Bianchi")
    )
    interview = factories.InterviewFactory(referral=referral)
    pathway = factories.PathwayFactory(assigned_to=[operator], person=referral.person)
    factories.ReferralFactory(assigned_to=[operator_b])
    return {"referral": referral, "interview": interview, "pathway": pathway}


def _a_ids(world, path: str) -> int | None:
    for key in ("referral", "interview", "pathway"):
        if path.startswith(f"/api/v1/{key}s/{{"):
            return world[key].pk
    return None


@pytest.mark.parametrize("role", ROLES)
def test_every_endpoint_keeps_its_contract_for_every_role(request, role, world, wsgi_app):
    user = request.getfixturevalue(role)
    headers = {"Authorization": f"Bearer {token_for(user)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app, headers=headers)
    secret_words = ("Nascosta", "Bianchi")
    a_code = world["referral"].person.case_code
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9  # every endpoint of the API is in its schema
    calls = {"n": 0, "ok": 0}

    for operation in operations:
        strategies = [operation.as_strategy()]
        a_id = _a_ids(world, operation.path)
        if a_id is not None:
            strategies.append(operation.as_strategy(path_parameters={"id": a_id}))
        for strategy in strategies:

            @hypothesis_settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy)
            def run(case):
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS, headers=headers)
                calls["n"] += 1
                calls["ok"] += response.status_code < 300
                for word in secret_words:  # names never leave through the API, whoever asks
                    assert word not in response.text, (case.method, case.formatted_path)
                if role not in ("operator", "coordinator"):
                    assert a_code not in response.text, (role, case.method, case.formatted_path)

            run()
    assert calls["n"] >= len(operations)
    if role == "admin_user":
        assert calls["ok"] == 0  # admins have no endpoint: no case content, no statistics, no portal
    else:
        assert calls["ok"] > 0  # each other role reaches at least one endpoint of its own
