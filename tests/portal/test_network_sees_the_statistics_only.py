"""The network role (``rete``) reads the de-identified statistics of the whole service: the same figures, with
the same controlled rounding, as the coordinators' page; and nothing else."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ceis.audit.models import Event
from tests import factories

PERIOD = {"year": "2025", "part": "year"}


@pytest.fixture
def records(db):
    """Seven referrals of 2025 from two bodies (one counts 3: controlled rounding shows it as a multiple of 5)."""
    cas, questura = factories.PartnerBodyFactory(kind="cas"), factories.PartnerBodyFactory(kind="questura")
    for i in range(7):
        factories.ReferralFactory(
            referring_body=cas if i < 4 else questura,
            received_at=timezone.make_aware(datetime.datetime(2025, 3, 1 + i, 10, 0)),
            person=factories.PersonFactory(first_name=f"Riservata{i}"),
        )


def test_the_network_sees_the_same_figures_as_the_coordinators(network_client, coord_client, records):
    theirs = network_client.get(reverse("caseload:statistics"), PERIOD)
    ours = coord_client.get(reverse("caseload:statistics"), PERIOD)
    assert theirs.status_code == ours.status_code == 200
    assert theirs.context["stats"] == ours.context["stats"]
    assert theirs.context["chart"] == ours.context["chart"]


def test_every_figure_it_reads_is_rounded_to_a_multiple_of_five(network_client, records):
    data = network_client.get(reverse("caseload:statistics"), PERIOD).context["stats"]
    values = [f["value"] for s in data["sections"] for f in s["figures"] if isinstance(f["value"], int)]
    values += [r["value"] for s in data["sections"] for b in s["breakdowns"] for r in b["rows"]]
    assert values and all(v % 5 == 0 for v in values)


def test_it_shows_no_name_and_no_link_to_a_record(network_client, records):
    response = network_client.get(reverse("caseload:statistics"), PERIOD)
    assert "Riservata" not in response.text
    assert "/referrals/" not in response.text and "/caseload/reports/" not in response.text


@pytest.mark.parametrize(
    ("name", "content_type"), [("caseload:statistics_csv", "text/csv"), ("caseload:statistics_xlsx", "spreadsheet")]
)
def test_the_network_downloads_the_figures_and_the_download_is_audited(
    network_client, network_user, records, name, content_type
):
    response = network_client.get(reverse(name), PERIOD)
    assert response.status_code == 200
    assert content_type in response["Content-Type"]
    assert Event.objects.filter(kind=Event.Kind.EXPORT, actor=network_user).count() == 1


def test_its_home_is_the_statistics_and_its_menu_names_nothing_else(network_client, db):
    response = network_client.get(reverse("home"))
    assert response["Location"] == reverse("caseload:statistics")
    page = network_client.get(reverse("caseload:statistics")).text
    for elsewhere in ("/referrals/", "/notifications/", "/partners/", "/caseload/reports/", "/audit/"):
        assert f'href="{elsewhere}' not in page


@pytest.mark.parametrize(
    "name",
    ["caseload:reports", "caseload:dashboard", "referrals:all", "notifications:list", "partners:list", "portal:home"],
)
def test_everything_else_is_a_404(network_client, db, name):
    assert network_client.get(reverse(name)).status_code == 404


def test_the_network_holds_no_model_permission(network_user):
    assert network_user.get_all_permissions() == set()
