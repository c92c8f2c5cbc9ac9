from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from ceis import access
from ceis.audit.models import Event
from ceis.notifications.models import Notification
from protection import selectors
from protection.models import (
    Accommodation,
    DiaryEntry,
    GoalReview,
    JobPlacement,
    LiteracyCourse,
    PhaseChange,
    PlanGoal,
    ResidencePermit,
    Training,
)
from tests import factories

SECRET = "Via Nascosta 17, Capannori"


@pytest.fixture(autouse=True)
def _english(request):
    """Assertions below read English labels: the users of these tests speak English."""
    for name in ("operator", "operator_b", "coordinator"):
        if name in request.fixturenames:
            user = request.getfixturevalue(name)
            user.language = "en"
            user.save(update_fields=["language"])


@pytest.fixture
def pathway(operator):
    return factories.PathwayFactory(
        assigned_to=[operator], started_on=datetime.date(2026, 1, 10), legal_basis="art18_judicial"
    )


def _short(date) -> str:
    with translation.override("en"):
        return date_format(date, "SHORT_DATE_FORMAT")


def _url(pathway) -> str:
    return reverse("protection:detail", args=[pathway.pk])


def _edit_url(pathway, part, pk) -> str:
    return reverse("pathway_parts:edit", kwargs={"pathway_pk": pathway.pk, "part": part, "pk": pk})


def _fill(pathway) -> dict:
    """One record of every kind beneath the pathway, dated out of order."""
    d = datetime.date
    goal = PlanGoal.objects.create(
        pathway=pathway, area="work", goal="Trovare un lavoro da parrucchiera", target_date=d(2026, 6, 30)
    )
    PlanGoal.objects.filter(pk=goal.pk).update(created_at=timezone.make_aware(datetime.datetime(2026, 1, 20, 10)))
    records = {
        "goal": goal,
        "review": GoalReview.objects.create(goal=goal, reviewed_on=d(2026, 3, 1), note="Colloquio di prova fatto"),
        "phase": PhaseChange.objects.create(pathway=pathway, phase="first_assistance", changed_on=d(2026, 2, 1)),
        "accommodation": Accommodation.objects.create(
            pathway=pathway,
            type="safe_house",
            facility_name="Casa rifugio",
            secret_address=SECRET,
            start=d(2026, 1, 12),
        ),
        "literacy": LiteracyCourse.objects.create(
            pathway=pathway, provider="CPIA Lucca", level_start="a1", level_now="a2", start=d(2026, 2, 15)
        ),
        "training": Training.objects.create(
            pathway=pathway, kind="vocational", title="Corso di acconciatura", provider="Formetica", start=d(2026, 4, 1)
        ),
        "job": JobPlacement.objects.create(
            pathway=pathway, kind="traineeship", employer="Salone Bella", start=d(2026, 5, 4), hours_per_week=20
        ),
        "permit": ResidencePermit.objects.create(
            pathway=pathway,
            type="art18",
            route="judicial",
            applied_on=d(2026, 1, 25),
            issued_on=d(2026, 3, 20),
            expires_on=d(2026, 9, 20),
        ),
        "diary": DiaryEntry.objects.create(pathway=pathway, written_on=d(2026, 1, 15), text="Primo incontro in casa"),
    }
    return records


def test_it_shows_the_header(op_client, operator, operator_b, pathway):
    access.assign(pathway, operator_b, by=operator)
    response = op_client.get(_url(pathway))
    assert response.status_code == 200
    header = response.text[response.text.index('id="pathway-header"') :]
    header = header[: header.index("</dl>")]
    for text in (
        pathway.person.case_code,
        "art. 18, judicial route",
        "emergency",
        _short(pathway.started_on),
        operator.get_full_name(),
        operator_b.get_full_name(),
    ):
        assert text in header


def test_opening_the_page_is_audited(op_client, operator, pathway):
    op_client.get(_url(pathway))
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        content_type__model="protectionpathway",
        object_pk=str(pathway.pk),
        actor=operator,
    ).exists()


def test_the_timeline_merges_every_record_in_date_order(op_client, pathway):
    _fill(pathway)
    response = op_client.get(_url(pathway))
    kinds = [(item.date.isoformat(), item.kind) for item in response.context["timeline"]]
    assert kinds == [
        ("2026-01-10", "phase"),
        ("2026-01-12", "accommodation"),
        ("2026-01-15", "diary"),
        ("2026-01-20", "goal"),
        ("2026-01-25", "permit"),
        ("2026-02-01", "phase"),
        ("2026-02-15", "literacy"),
        ("2026-03-01", "review"),
        ("2026-03-20", "permit"),
        ("2026-04-01", "training"),
        ("2026-05-04", "job"),
        ("2026-09-20", "permit"),
    ]
    text = response.text
    for summary in (
        "Pathway opened in phase: emergency",
        "Phase: first assistance",
        "Trovare un lavoro da parrucchiera",
        "Colloquio di prova fatto",
        "Casa rifugio",
        "CPIA Lucca: A1 → A2",
        "Corso di acconciatura",
        "Salone Bella",
        "20 hours a week",
        "applied for",
        "issued",
        "Primo incontro in casa",
    ):
        assert summary in text
    positions = [text.index(s) for s in ("Casa rifugio", "Primo incontro in casa", "CPIA Lucca", "Salone Bella")]
    assert positions == sorted(positions)


def test_a_move_back_shows_as_a_correction_in_the_timeline(op_client, pathway):
    PhaseChange.objects.create(pathway=pathway, phase="second_stage", changed_on=datetime.date(2026, 2, 1))
    PhaseChange.objects.create(pathway=pathway, phase="first_assistance", changed_on=datetime.date(2026, 2, 3))
    assert "Phase moved back to: first assistance (correction)" in op_client.get(_url(pathway)).text


def test_each_item_links_to_its_edit_page(op_client, coord_client, pathway):
    records = _fill(pathway)
    review_url = reverse("pathway_parts:review", kwargs={"pathway_pk": pathway.pk, "goal_pk": records["goal"].pk})
    for client in (op_client, coord_client):
        text = client.get(_url(pathway)).text
        for part in ("goal", "accommodation", "literacy", "training", "job", "permit", "diary"):
            assert _edit_url(pathway, part, records[part].pk) in text, part
        assert review_url in text


def test_the_timeline_escapes_what_was_written(op_client, pathway):
    DiaryEntry.objects.create(pathway=pathway, written_on=datetime.date(2026, 2, 1), text='<b>Lei</b> & "noi"')
    text = op_client.get(_url(pathway)).text
    assert "&lt;b&gt;Lei&lt;/b&gt; &amp; &quot;noi&quot;" in text
    assert "<b>Lei</b>" not in text


def test_each_timeline_reads_its_own_pathway(operator):
    """The records' query is compiled once per process: each pathway still gets its own records."""
    first, second = (factories.PathwayFactory(assigned_to=[operator]) for _ in range(2))
    DiaryEntry.objects.create(pathway=first, written_on=datetime.date(2026, 2, 1), text="Diario della prima")
    DiaryEntry.objects.create(pathway=second, written_on=datetime.date(2026, 2, 1), text="Diario della seconda")
    for pathway, text in (
        (first, "Diario della prima"),
        (second, "Diario della seconda"),
        (first, "Diario della prima"),
    ):
        assert [i.summary for i in selectors.timeline(pathway) if i.kind == "diary"] == [text]


def test_the_timeline_runs_a_constant_number_of_queries(operator, django_assert_num_queries):
    small = factories.PathwayFactory(assigned_to=[operator])
    big = factories.PathwayFactory(assigned_to=[operator])
    _fill(small)
    for _ in range(5):
        _fill(big)
    with django_assert_num_queries(5):
        assert len(selectors.timeline(small, show_secret=True)) == 12
    with django_assert_num_queries(5):
        assert len(selectors.timeline(big, show_secret=True)) == 56


@pytest.mark.parametrize("rows", [1, 10])
def test_the_page_runs_a_constant_number_of_queries(op_client, pathway, django_assert_max_num_queries, rows):
    for _ in range(rows):
        _fill(pathway)
    op_client.get(_url(pathway))  # warm the content-type cache: count the page's own queries
    with django_assert_max_num_queries(15):  # 13, the services card's list and the documents card's list
        response = op_client.get(_url(pathway))
    assert len(response.context["timeline"]) == 1 + 11 * rows


# --- the secret address -----------------------------------------------------------------------------


def test_the_secret_address_is_shown_to_the_assigned_operator(op_client, pathway):
    _fill(pathway)
    response = op_client.get(_url(pathway))
    assert SECRET in response.text
    assert "Secret address" in response.text


def test_the_secret_address_is_not_shown_to_a_coordinator(coord_client, pathway):
    _fill(pathway)
    response = coord_client.get(_url(pathway))
    assert response.status_code == 200
    assert "Casa rifugio" in response.text  # she sees the stay...
    assert SECRET not in response.text  # ...but not where it is
    assert "Secret address" not in response.text


def test_the_secret_address_is_not_shown_to_an_operator_removed_from_the_pathway(
    op_client, operator, coordinator, pathway
):
    _fill(pathway)
    access.unassign(pathway, operator, by=coordinator)
    assert op_client.get(_url(pathway)).status_code == 404


def test_the_secret_address_is_ciphertext_in_the_database(pathway):
    stay = _fill(pathway)["accommodation"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_address FROM protection_accommodation WHERE id = %s", [stay.pk])
        (stored,) = cursor.fetchone()
    assert SECRET not in stored


def test_the_secret_address_is_not_read_for_anyone_else(pathway):
    _fill(pathway)
    items = selectors.timeline(pathway, show_secret=False)
    assert all(item.secret_address == "" for item in items)


# --- access -----------------------------------------------------------------------------------------


def test_operator_b_admins_and_strangers_get_404(op_b_client, admin_client_role, pathway):
    for client in (op_b_client, admin_client_role):
        assert client.get(_url(pathway)).status_code == 404


def test_anonymous_users_are_sent_to_login(client, pathway):
    response = client.get(_url(pathway))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_coordinator_sees_every_pathway_and_who_opened_it(coord_client, operator, pathway):
    response = coord_client.get(_url(pathway))
    assert response.status_code == 200
    assert "Who opened this record" in response.text


# --- assigning operators ----------------------------------------------------------------------------


def _assign(client, pathway, user):
    return client.post(reverse("protection:assign", args=[pathway.pk]), {"operator": user.pk})


def test_a_coordinator_assigns_an_operator_who_is_notified(coord_client, coordinator, op_b_client, operator_b, pathway):
    assert op_b_client.get(_url(pathway)).status_code == 404

    response = _assign(coord_client, pathway, operator_b)

    assert response.status_code == 302
    assert op_b_client.get(_url(pathway)).status_code == 200
    assert Event.objects.filter(kind=Event.Kind.ASSIGN, subject=operator_b, actor=coordinator).exists()
    note = Notification.objects.get(recipient=operator_b)
    assert (note.label, note.path) == (pathway.person.case_code, _url(pathway))
    assert SECRET not in note.label + note.path


def test_assigning_twice_changes_nothing(coord_client, operator_b, pathway):
    _assign(coord_client, pathway, operator_b)
    response = _assign(coord_client, pathway, operator_b)
    assert Notification.objects.filter(recipient=operator_b).count() == 1
    assert "That operator was already assigned." in coord_client.get(response["Location"]).text


def test_only_active_operators_can_be_assigned(coord_client, coordinator, admin_user, pathway):
    inactive = factories.OperatorFactory(is_active=False)
    for user in (admin_user, coordinator, inactive):
        response = _assign(coord_client, pathway, user)
        assert "Choose an active operator to assign." in coord_client.get(response["Location"]).text
    assert [u.username for u in access.assignees([pathway])[pathway.pk]] == ["op_a"]


def test_unassigning_asks_first_then_removes_access(coord_client, coordinator, op_client, operator, pathway):
    url = reverse("protection:unassign", args=[pathway.pk, operator.pk])
    confirm = coord_client.get(url)
    assert confirm.status_code == 200
    assert "They will no longer see it." in confirm.text
    assert access.is_assigned(pathway, operator)

    response = coord_client.post(url)

    assert response.status_code == 302
    assert not access.is_assigned(pathway, operator)
    assert op_client.get(_url(pathway)).status_code == 404
    assert Event.objects.filter(kind=Event.Kind.UNASSIGN, subject=operator, actor=coordinator).exists()
    assert Notification.objects.filter(recipient=operator, kind=Notification.Kind.PATHWAY_UNASSIGNED).exists()


def test_unassigning_someone_not_assigned_is_404(coord_client, operator_b, pathway):
    assert coord_client.get(reverse("protection:unassign", args=[pathway.pk, operator_b.pk])).status_code == 404


def test_operators_cannot_assign_or_unassign(op_client, operator, operator_b, pathway):
    assert _assign(op_client, pathway, operator_b).status_code == 404
    assert not access.is_assigned(pathway, operator_b)
    url = reverse("protection:unassign", args=[pathway.pk, operator.pk])
    assert op_client.get(url).status_code == 404
    assert op_client.post(url).status_code == 404
    assert access.is_assigned(pathway, operator)


def test_an_operator_sees_no_assignment_form(op_client, pathway):
    text = op_client.get(_url(pathway)).text
    assert reverse("protection:assign", args=[pathway.pk]) not in text


# --- a permit about to expire (issue 15, point 8) -------------------------------------------------------


def _permit(pathway, days: int, **fields) -> ResidencePermit:
    return ResidencePermit.objects.create(
        pathway=pathway, type="art18", expires_on=timezone.localdate() + datetime.timedelta(days=days), **fields
    )


def test_the_page_warns_of_a_permit_expiring_within_60_days(op_client, pathway):
    permit = _permit(pathway, 45)
    response = op_client.get(_url(pathway))
    assert 'id="permit-expiring"' in response.text
    assert f"The residence permit expires on {_short(permit.expires_on)}, in 45 days" in response.text


def test_one_day_left_is_singular(op_client, pathway):
    _permit(pathway, 1)
    assert "in 1 day: see to its renewal" in op_client.get(_url(pathway)).text


@pytest.mark.parametrize(
    "days, fields",
    [(61, {}), (-1, {}), (20, {"converted_to": "lavoro"})],
    ids=["more than 60 days", "already expired", "converted"],
)
def test_no_warning_for_a_permit_far_off_expired_or_converted(op_client, pathway, days, fields):
    _permit(pathway, days, **fields)
    assert 'id="permit-expiring"' not in op_client.get(_url(pathway)).text


def test_no_warning_once_renewed_or_on_a_closed_pathway(op_client, pathway):
    old = _permit(pathway, 10)
    _permit(pathway, 400, renewal_of=old)
    assert 'id="permit-expiring"' not in op_client.get(_url(pathway)).text
    closed = factories.PathwayFactory(assigned_to=[pathway_operator(pathway)], ended_on=timezone.localdate())
    _permit(closed, 10)
    assert 'id="permit-expiring"' not in op_client.get(_url(closed)).text


def pathway_operator(pathway):
    return access.assignees([pathway])[pathway.pk][0]


def test_the_warning_costs_no_query(op_client, pathway, django_assert_max_num_queries):
    _fill(pathway)
    _permit(pathway, 30)
    op_client.get(_url(pathway))
    with django_assert_max_num_queries(15):  # the page's existing budget
        response = op_client.get(_url(pathway))
    assert 'id="permit-expiring"' in response.text
