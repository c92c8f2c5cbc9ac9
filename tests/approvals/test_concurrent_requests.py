"""Two requests to close the same record sent at the same moment (a double click, two operators): one is kept."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from ceis.approvals.models import ClosureRequest
from ceis.approvals.services import closure_request
from referrals.models import Referral
from tests import factories
from tests.conftest import require_service


def _concurrently(n: int, work) -> tuple[list, list]:
    """Run ``work`` in ``n`` threads released together, each on its own connection: (results, errors)."""
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list = []

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - returned to the test, which asserts on them
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_requests_leave_one_pending_on_postgresql():
    require_service(connection.vendor == "postgresql", "PostgreSQL")
    operator = factories.OperatorFactory(username="op_conc")
    factories.CoordinatorFactory(username="coord_conc")
    referral = factories.ReferralFactory(assigned_to=[operator])

    def ask(i):
        return closure_request(record=referral, outcome=Referral.Outcome.UNREACHABLE, note=f"n. {i}", by=operator)

    results, errors = _concurrently(4, ask)
    assert ClosureRequest.objects.filter(referral=referral, status="pending").count() == 1
    assert len([r for r in results if r is not None]) == 1
    assert len(errors) == 3 and all(isinstance(e, ValidationError) for e in errors), errors
    assert {e.code for e in errors} == {"already_requested"}
