from __future__ import annotations

from django.urls import reverse


def _open(client, notification):
    return client.post(reverse("notifications:open", args=[notification.pk]))


def test_it_marks_read_and_goes_to_what_it_is_about(op_client, operator, notify):
    notification = notify(operator, path="/referrals/42/")

    response = _open(op_client, notification)

    assert response.status_code == 302
    assert response.url == "/referrals/42/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_twice_keeps_the_first_reading_time(op_client, operator, notify):
    notification = notify(operator)
    _open(op_client, notification)
    notification.refresh_from_db()
    first = notification.read_at

    _open(op_client, notification)

    notification.refresh_from_db()
    assert notification.read_at == first


def test_without_a_path_it_returns_to_the_list(op_client, operator, notify):
    response = _open(op_client, notify(operator, path=""))

    assert response.url == reverse("notifications:list")


def test_it_never_redirects_off_site(op_client, operator, notify):
    for path in ("https://evil.example/", "//evil.example/phish"):
        response = _open(op_client, notify(operator, path=path))
        assert response.url == reverse("notifications:list")


def test_it_rejects_get(op_client, operator, notify):
    notification = notify(operator)

    response = op_client.get(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_it_is_404_for_another_users_notification(op_b_client, operator, notify):
    notification = notify(operator, path="/referrals/42/")

    response = _open(op_b_client, notification)

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_it_is_404_for_an_unknown_notification(op_client, db):
    assert op_client.post(reverse("notifications:open", args=[999999])).status_code == 404


def test_it_requires_login(client, operator, notify):
    notification = notify(operator)

    response = _open(client, notification)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    notification.refresh_from_db()
    assert notification.read_at is None
