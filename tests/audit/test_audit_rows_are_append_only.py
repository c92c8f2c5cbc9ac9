"""Audit rows are written once: neither the application nor, on PostgreSQL, an SQL statement changes them."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.db.models.deletion import ProtectedError
from django.test import RequestFactory

from ceis.audit import guards
from ceis.audit.models import Event
from tests import factories
from tests.conftest import require_service


@pytest.fixture
def rows(operator):
    """One row in each audit table."""
    event = Event.objects.create(kind=Event.Kind.LOGIN, actor=operator, subject=operator)
    factories.PartnerBodyFactory()
    return event, LogEntry.objects.latest("pk")


def _refused(call, error=ValueError):
    with pytest.raises(error), transaction.atomic():
        call()


def test_an_event_cannot_be_changed_or_deleted_through_the_app(rows):
    event, _ = rows
    event.kind = Event.Kind.EXPORT
    _refused(event.save)
    _refused(event.delete)
    _refused(lambda: Event.objects.filter(pk=event.pk).update(kind=Event.Kind.EXPORT))
    _refused(lambda: Event.objects.update(kind=Event.Kind.EXPORT))
    _refused(lambda: Event.objects.filter(pk=event.pk).delete())
    assert Event.objects.get(pk=event.pk).kind == Event.Kind.LOGIN


def test_a_log_entry_cannot_be_changed_or_deleted_through_the_app(rows):
    _, entry = rows
    entry.action = LogEntry.Action.DELETE
    _refused(entry.save, guards.AppendOnlyError)
    _refused(entry.delete, guards.AppendOnlyError)
    _refused(lambda: LogEntry.objects.filter(pk=entry.pk).delete(), guards.AppendOnlyError)
    assert LogEntry.objects.get(pk=entry.pk).action == LogEntry.Action.CREATE


def test_a_user_in_the_audit_trail_cannot_be_deleted(rows, operator):
    _refused(operator.delete, ProtectedError)
    assert Event.objects.filter(actor=operator).exists()


def test_a_user_who_is_only_the_actor_of_log_entries_cannot_be_deleted(db):
    """auditlog's actor is SET_NULL: the delete is stopped before it rewrites the rows."""
    from ceis.audit.services import acting_as

    user = factories.CoordinatorFactory()
    with acting_as(user):
        factories.PartnerBodyFactory()
    entry = LogEntry.objects.get(actor=user)
    _refused(user.delete, ProtectedError)
    entry = LogEntry.objects.get(pk=entry.pk)
    assert entry.actor == user


@pytest.mark.parametrize("model", [Event, LogEntry])
def test_the_django_admin_offers_no_add_change_or_delete(model, db):
    superuser = factories.UserFactory(is_superuser=True, is_staff=True)
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.get_actions(request)


def test_the_django_admin_cannot_delete_users(db):
    from django.contrib.auth import get_user_model

    superuser = factories.UserFactory(is_superuser=True, is_staff=True)
    request = RequestFactory().get("/")
    request.user = superuser
    assert not admin.site._registry[get_user_model()].has_delete_permission(request, superuser)


def _postgresql():
    require_service(connection.vendor == "postgresql", "PostgreSQL")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_event SET kind = 'export' WHERE id = %(event)s",
        "DELETE FROM audit_event WHERE id = %(event)s",
        "UPDATE auditlog_logentry SET object_repr = 'x' WHERE id = %(entry)s",
        "UPDATE auditlog_logentry SET actor_id = NULL",
        "DELETE FROM auditlog_logentry WHERE id = %(entry)s",
        "DELETE FROM auditlog_logentry",
    ],
)
def test_postgresql_refuses_update_and_delete_statements(rows, sql):
    _postgresql()
    event, entry = rows
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, {"event": event.pk, "entry": entry.pk})
    assert Event.objects.get(pk=event.pk).kind == Event.Kind.LOGIN
    assert LogEntry.objects.get(pk=entry.pk).object_repr == entry.object_repr


def test_postgresql_refuses_a_bulk_update_of_log_entries(rows):
    """The one path the application cannot intercept (auditlog's queryset): the trigger stops it."""
    _postgresql()
    _refused(lambda: LogEntry.objects.update(object_repr="x"), DatabaseError)
    assert not LogEntry.objects.filter(object_repr="x").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as every committing test (tests/browser)
def test_a_committed_test_can_still_empty_the_audit_tables_with_truncate():
    """The flush between committing tests uses TRUNCATE, which the row triggers leave alone."""
    _postgresql()
    Event.objects.create(kind=Event.Kind.LOGIN)
    factories.PartnerBodyFactory()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_event, auditlog_logentry")
    assert not Event.objects.exists() and not LogEntry.objects.exists()
