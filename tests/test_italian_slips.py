"""Italian as Italian writes it: lower-case month and weekday names, unpadded days, "byte", months as
"novembre 2026", people by their full names, and a favicon."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.staticfiles import finders
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from stats.tasks import build_monthly_report
from tests import factories

SUNDAY = datetime.date(2026, 12, 6)


def _render(text: str, **context) -> str:
    return Template(text).render(Context(context))


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ('{{ d|date:"DATE_FORMAT" }}', "6 dicembre 2026"),
        ('{{ d|date:"l j F Y" }}', "domenica 6 dicembre 2026"),
        ('{{ d|date:"YEAR_MONTH_FORMAT" }}', "dicembre 2026"),
        ('{{ d|date:"SHORT_DATE_FORMAT" }}', "06/12/2026"),
        ('{{ d|date:"D N E" }}', "dom dic. dicembre"),
        ("{{ 610|filesizeformat }}", "610\xa0byte"),
        ("{{ 1|filesizeformat }}", "1\xa0byte"),
        ("{{ 2048|filesizeformat }}", "2,0\xa0KB"),
    ],
)
def test_italian_dates_and_sizes_come_from_the_formats(template, expected):
    with translation.override("it"):
        assert _render(template, d=SUNDAY) == expected


def test_english_keeps_its_own():
    with translation.override("en"):
        assert (
            _render('{{ d|date:"l j F Y" }} {{ 610|filesizeformat }}', d=SUNDAY)
            == "Sunday 6 December 2026 610\xa0bytes"
        )


def test_the_agenda_heads_each_day_in_lower_case(op_client, operator):
    at = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=1), datetime.time(10))
    )
    factories.InterviewFactory(referral=factories.ReferralFactory(assigned_to=[operator]), scheduled_at=at)
    page = op_client.get(reverse("interviews:agenda")).content.decode()
    with translation.override("it"):
        heading = _render('{{ d|date:"l j F Y" }}', d=at.date())
    assert heading in page and heading[0].islower()


def test_months_read_as_words_in_reports_and_notifications(coord_client, coordinator):
    build_monthly_report("2025-11")
    assert "novembre 2025" in coord_client.get(reverse("caseload:reports")).content.decode()
    notifications = coord_client.get(reverse("notifications:list")).content.decode()
    assert "novembre 2025" in notifications and "2025-11" not in notifications


def test_the_caseload_shows_operators_by_full_name(coord_client, operator):
    factories.ReferralFactory(assigned_to=[operator])
    page = coord_client.get(reverse("caseload:dashboard")).content.decode()
    assert operator.get_full_name() in page
    assert f">{operator.username}<" not in page


def test_every_page_names_a_favicon_that_is_served(op_client):
    page = op_client.get(reverse("referrals:mine")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert finders.find("favicon.svg") and finders.find("favicon.ico")
