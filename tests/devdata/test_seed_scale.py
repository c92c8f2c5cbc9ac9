"""``manage.py seed_scale``: a synthetic dataset in proportion, with real ciphertext; refused on real data."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ceis import access
from ceis.accounts import roles
from ceis.audit.models import Event
from devdata import scale
from interviews.models import IndicatorAnswer, Interview
from protection.models import ProtectionPathway
from referrals.models import Person, Referral
from tests import factories

N = 50


@pytest.fixture
def seeded(db):
    call_command("seed_scale", persons=N, verbosity=0)


def test_it_makes_the_proportions(seeded):
    assert Person.objects.count() == N
    assert Referral.objects.count() == 2 * N
    assert 3 * N <= Interview.objects.count() <= 7 * N
    assert IndicatorAnswer.objects.count() >= 2 * N
    assert 0.1 * N <= ProtectionPathway.objects.count() <= 0.6 * N
    from auditlog.models import LogEntry

    assert LogEntry.objects.count() + Event.objects.count() == 10 * N
    connection.check_constraints()  # every foreign key points at a row (the load skips the checks on PostgreSQL)


def test_it_assigns_like_the_assignment_service(seeded):
    operators = access.operators_assignable().filter(username__startswith=scale.PREFIX)
    assert operators.count() == 2
    op = operators.first()
    mine = access.assigned_to(Referral, op)
    assert mine.exists()
    # visible and changeable through ceis.access, and nothing else of the others'
    assert access.visible(Referral, op).count() == mine.count()
    assert access.can_change(op, mine.first())
    assert Event.objects.filter(kind=Event.Kind.ASSIGN, subject=op).count() >= mine.count()
    assert not op.has_usable_password()
    assert op.has_role(roles.OPERATOR)


def test_encrypted_fields_hold_real_ciphertext(seeded):
    referral = Referral.objects.select_related("person").first()
    assert referral.reason.startswith("Segnalazione sintetica")
    assert referral.person.first_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM referrals_referral WHERE id = %s", [referral.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("gAAAA") and "sintetica" not in raw


def test_it_is_deterministic(db):
    import datetime

    from django.db import transaction
    from django.utils import timezone

    now = timezone.now().replace(minute=0, second=0, microsecond=0) - datetime.timedelta(days=1)

    def run():
        with transaction.atomic():
            scale.seed(scale.Scale(persons=10, seed=7, now=now), log=lambda *a: None)
            made = list(Referral.objects.order_by("pk").values_list("pk", "status", "urgency", "received_at"))
            transaction.set_rollback(True)
        return made

    first = run()
    assert first and first == run()


def test_it_refuses_a_database_with_real_accounts(db):
    factories.OperatorFactory(username="maria.rossi")
    with pytest.raises(CommandError, match="neither synthetic"):
        call_command("seed_scale", persons=N, verbosity=0)
    assert not Person.objects.exists()


def test_it_accepts_the_demo_accounts(db):
    factories.OperatorFactory(username="operatore1")
    call_command("seed_scale", persons=5, verbosity=0)
    assert Person.objects.count() == 5


def test_it_forgets_stored_statistics_and_dashboard_figures(db):
    """The bulk load sends no signal: figures stored before it would no longer be up to date."""

    from caseload.models import CaseloadSnapshot
    from caseload.selectors import caseload_by_operator
    from stats import periods
    from stats import selectors as stats
    from stats.models import StatisticsSnapshot

    stats.statistics(periods.whole_year(2025))
    caseload_by_operator(operators=[factories.UserFactory(username="synthetic-earlier")])
    assert StatisticsSnapshot.objects.exists() and CaseloadSnapshot.objects.exists()
    call_command("seed_scale", persons=10, verbosity=0)
    assert not StatisticsSnapshot.objects.exists()
    assert not CaseloadSnapshot.objects.exists()


def test_held_interviews_record_the_lists_they_used_as_the_service_does(seeded):
    """interview_save records the version of each list a held interview used; so does the seed (the interview form
    then reads the recorded versions, as for real interviews, bench/README.md)."""
    from interviews import catalogues
    from interviews.models import InterviewList

    held = Interview.objects.filter(held_at__isnull=False).select_related("referral__person")
    assert held.exists()
    assert not Interview.objects.filter(held_at__isnull=True, lists__isnull=False).exists()
    for interview in held[:30]:
        recorded = {(r.needed, r.version_id) for r in InterviewList.objects.filter(interview=interview)}
        expected = {
            (item.needed, item.version.pk)
            for item in catalogues.resolve(referral=interview.referral)
            if item.version is not None
        }
        assert recorded == expected
