from __future__ import annotations

import re

from django.urls import reverse

from tests import factories

UNREAD = re.compile(r'id="unread-count">(\d+)<')


def test_it_lists_her_notifications_newest_first(op_client, operator, notify):
    notify(operator, label="LU-2026-0001")
    notify(operator, label="LU-2026-0002")

    response = op_client.get(reverse("notifications:list"))

    assert response.status_code == 200
    assert response.text.index("LU-2026-0002") < response.text.index("LU-2026-0001")


def test_it_shows_the_unread_count_in_the_navigation_bar(op_client, operator, operator_b, notify):
    notify(operator)
    notify(operator)
    read = notify(operator)
    read.read_at = read.created_at
    read.save()
    notify(operator_b)

    response = op_client.get(reverse("notifications:list"))

    assert UNREAD.findall(response.text) == ["2"]


def test_it_shows_no_count_when_everything_is_read(op_client, operator, notify):
    read = notify(operator)
    read.read_at = read.created_at
    read.save()

    response = op_client.get(reverse("notifications:list"))

    assert 'id="unread-count"' not in response.text
    assert "LU-2026-0001" in response.text


def test_it_never_lists_another_users_notifications(op_client, operator, operator_b, notify):
    notify(operator_b, label="LU-2026-0099")

    response = op_client.get(reverse("notifications:list"))

    assert "LU-2026-0099" not in response.text
    assert 'id="unread-count"' not in response.text


def test_it_paginates(op_client, operator, notify):
    for n in range(30):
        notify(operator, label=f"LU-2026-{n:04d}")

    first = op_client.get(reverse("notifications:list"))
    second = op_client.get(reverse("notifications:list"), {"page": 2})

    assert first.text.count('class="case-code"') == 25
    assert second.text.count('class="case-code"') == 5
    assert "LU-2026-0029" in first.text and "LU-2026-0000" in second.text


def test_it_keeps_to_a_query_budget(op_client, operator, notify, django_assert_max_num_queries):
    for n in range(30):
        notify(operator, label=f"LU-2026-{n:04d}", path=f"/referrals/{n}/")

    with django_assert_max_num_queries(7):
        response = op_client.get(reverse("notifications:list"))

    assert response.status_code == 200


def test_it_requires_login(client, db):
    response = client.get(reverse("notifications:list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_admin_has_her_own_inbox_too(admin_client_role, admin_user, notify):
    notify(admin_user, label="LU-2026-0007")
    notify(factories.OperatorFactory(), label="LU-2026-0008")

    response = admin_client_role.get(reverse("notifications:list"))

    assert "LU-2026-0007" in response.text
    assert "LU-2026-0008" not in response.text
