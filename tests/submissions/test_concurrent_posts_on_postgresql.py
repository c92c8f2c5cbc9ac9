"""Two posts of the same intake form at the same moment (a retry on a slow connection) save one person.

Each post runs in a thread of its own, on its own database connection, against PostgreSQL (on SQLite writers
take turns on the whole file, which proves nothing). Skipped without PostgreSQL, failed in CI.
"""

from __future__ import annotations

import re
import threading

import pytest
from django.db import close_old_connections, connection, connections
from django.test import Client
from django.urls import reverse

from referrals import services
from referrals.models import Person, Referral
from tests import factories
from tests.conftest import require_service
from tests.referrals.test_record_phone_referral import _data as intake_data

pytestmark = [pytest.mark.real_submission_tokens, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

URL = reverse("referrals:intake")
TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')


def _postgresql():
    require_service(connection.vendor == "postgresql", "PostgreSQL")


def _two_clients(user) -> list[Client]:
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def _post_together(clients, data, *, before_each=None) -> list:
    """POST ``data`` from each client in its own thread, released together; the responses, in order."""
    barrier = threading.Barrier(len(clients))
    responses: list = [None] * len(clients)
    errors: list = []

    def run(i):
        try:
            barrier.wait()
            responses[i] = clients[i].post(URL, data)
        except Exception as exc:  # noqa: BLE001 - reported below, in the main thread
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and all(r is not None for r in responses)
    return responses


def _assert_one_referral_both_lead_to(responses) -> None:
    assert Referral.objects.count() == 1 and Person.objects.count() == 1
    detail = reverse("referrals:detail", args=[Referral.objects.get().pk])
    assert [r.status_code for r in responses] == [302, 302]
    assert [r["Location"] for r in responses] == [detail, detail]


def test_two_posts_of_the_same_form_at_once_save_one_referral(operator):
    _postgresql()
    body = factories.PartnerBodyFactory(name="CAS Esempio")
    clients = _two_clients(operator)
    token = TOKEN.search(clients[0].get(URL).text).group(1)
    data = {**intake_data(body), "submission_token": token}
    for _ in range(3):  # the issue saw two people in 5 of 6 tries; each round here is a fresh form
        Referral.objects.all().delete()
        Person.objects.all().delete()
        data["submission_token"] = TOKEN.search(clients[0].get(URL).text).group(1)
        _assert_one_referral_both_lead_to(_post_together(clients, data))


def test_the_second_post_waits_for_the_first_then_answers_with_its_result(operator, monkeypatch):
    """The first post is held inside the view until the second is seen waiting on the token's row."""
    _postgresql()
    body = factories.PartnerBodyFactory(name="CAS Esempio")
    clients = _two_clients(operator)
    token = TOKEN.search(clients[0].get(URL).text).group(1)
    data = {**intake_data(body), "submission_token": token}
    inside, second_waiting = threading.Event(), threading.Event()
    real_intake = services.referral_intake
    calls = []

    def held_intake(**kwargs):
        calls.append(1)
        inside.set()
        assert second_waiting.wait(30), "the second post never waited on the token"
        return real_intake(**kwargs)

    monkeypatch.setattr(services, "referral_intake", held_intake)
    responses: list = [None, None]

    def first():
        try:
            responses[0] = clients[0].post(URL, data)
        finally:
            connection.close()

    def second():
        try:
            responses[1] = clients[1].post(URL, data)
        finally:
            connection.close()

    t1 = threading.Thread(target=first)
    t1.start()
    assert inside.wait(30)
    t2 = threading.Thread(target=second)
    t2.start()
    watcher = connections.create_connection("default")
    try:
        for _ in range(1500):  # until the second backend waits on a lock (the unique hash), at most ~30 s
            with watcher.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO \"submissions_submission\"%%'"
                )
                if cursor.fetchone()[0]:
                    second_waiting.set()
                    break
            threading.Event().wait(0.02)
    finally:
        watcher.close()
    t1.join(60)
    t2.join(60)
    assert second_waiting.is_set() and len(calls) == 1  # the second never ran the view
    _assert_one_referral_both_lead_to(responses)
    followed = clients[1].get(responses[1]["Location"])
    assert "Già registrato" in followed.text or "Already recorded" in followed.text
