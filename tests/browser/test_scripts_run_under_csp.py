"""Bootstrap, Chart.js and the Django admin work under the strict Content-Security-Policy.

The listener of tests/browser/conftest.py fails each of these tests on any violation; here we also check
that the scripts really ran (a menu opens, the charts are drawn), since a refused script is silent.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_menus_and_the_statistics_charts_work(page: Page, live_server, log_in):
    factories.CoordinatorFactory(username="coordinatore")
    for _ in range(5):
        factories.ReferralFactory(person=factories.PersonFactory(nationality="NG"))

    log_in(page, "coordinatore")
    dropdown = page.locator("nav li.dropdown", has=page.locator("#nav-caseload"))
    expect(dropdown.locator(".dropdown-menu")).to_be_hidden()
    dropdown.locator(".dropdown-toggle").click()
    expect(dropdown.locator(".dropdown-menu")).to_be_visible()

    year = (timezone.localdate() - datetime.timedelta(days=1)).year  # the referrals came yesterday
    response = page.goto(f"{live_server.url}/caseload/statistics/?year={year}&part=year")
    assert response is not None and response.ok
    assert "'nonce-" in response.headers["content-security-policy"]
    charts = page.locator("canvas.stats-chart")
    expect(charts.first).to_be_visible()
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('canvas.stats-chart')].map(c => Chart.getChart(c) !== undefined)"
    )
    assert drawn and all(drawn)


ADMIN_PAGES = [
    "",
    "accounts/user/",
    "accounts/user/add/",
    "accounts/user/{pk}/change/",
    "auth/group/add/",
    "audit/event/",
]


def test_the_django_admin_works_under_the_same_policy(page: Page, live_server, log_in, settings):
    root = get_user_model().objects.create_superuser("root", "root@example.org", factories.PASSWORD)
    log_in(page, "root")
    for path in ADMIN_PAGES:
        url = f"{live_server.url}/{settings.ADMIN_URL}{path.format(pk=root.pk)}"
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe" not in policy
        expect(page.locator("#content h1")).to_be_visible()
    # The permission picker of the group form is built by the admin's own scripts.
    page.goto(f"{live_server.url}/{settings.ADMIN_URL}auth/group/add/")
    expect(page.locator("#id_permissions_filter")).to_be_visible()
