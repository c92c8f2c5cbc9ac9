"""Writes on group sessions. Each service is one transaction, audited with its actor."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from ceis import access
from ceis.audit.services import acting_as
from ceis.partners.models import PartnerBody
from referrals.models import Person, Referral
from referrals.services import referral_intake

from .models import AttendanceRow, GroupSession, SessionReferral

# Bodies whose guests live there: a participant's request records it as her reception centre.
RECEPTION_KINDS = (PartnerBody.Kind.CAS, PartnerBody.Kind.SAI)


@transaction.atomic
def group_session_save(*, form, attendance, facilitators: Iterable, by) -> GroupSession:
    """Save a validated session form (new or existing), its attendance table and its facilitators.

    ``attendance`` is the validated attendance formset (or a list of row dicts: nationality, gender,
    language, count). Facilitators are assigned through ``ceis.access``; those no longer listed are
    unassigned. All or nothing.
    """
    rows = attendance.rows() if hasattr(attendance, "rows") else list(attendance or ())
    facilitators = list(facilitators)
    if not facilitators:
        raise ValueError("A session needs at least one facilitating operator.")
    with acting_as(by):
        session = form.save(commit=False)
        if session.pk is None:
            session.created_by = by
            session.status = form.cleaned_data.get("status") or GroupSession.Status.PLANNED
        _check_status(session, rows)
        session.save()
        form.save_m2m()
        _save_attendance(session, rows)
        _set_facilitators(session, facilitators, by=by)
    return session


def _check_status(session: GroupSession, rows: list) -> None:
    """Only a held session has attendance, and only a session that has taken place is held."""
    if session.status == GroupSession.Status.HELD and session.held_at > timezone.now():
        raise ValueError("A session dated in the future cannot be held.")
    if session.status != GroupSession.Status.HELD and rows:
        raise ValueError("Only a held session has attendance.")


@transaction.atomic
def session_hold(*, session: GroupSession, attendance, by) -> GroupSession:
    """Mark a planned session held, with its attendance table. All or nothing."""
    rows = attendance.rows() if hasattr(attendance, "rows") else list(attendance)
    session = GroupSession.objects.select_for_update().get(pk=session.pk)
    if session.status != GroupSession.Status.PLANNED:
        raise ValueError("Only a planned session can be marked held.")
    if not rows:
        raise ValueError("A held session needs its attendance.")
    session.status = GroupSession.Status.HELD
    _check_status(session, rows)
    with acting_as(by):
        session.save(update_fields=["status", "updated_at"])
        _save_attendance(session, rows)
    return session


@transaction.atomic
def session_cancel(*, session: GroupSession, by) -> GroupSession:
    """Cancel a planned session: it stays on record, counted nowhere and reminded to no one."""
    session = GroupSession.objects.select_for_update().get(pk=session.pk)
    if session.status != GroupSession.Status.PLANNED:
        raise ValueError("Only a planned session can be cancelled.")
    session.status = GroupSession.Status.CANCELLED
    with acting_as(by):
        session.save(update_fields=["status", "updated_at"])
    return session


def _row_key(nationality, gender, language) -> tuple:
    return (str(nationality), gender, getattr(language, "pk", language))


def _save_attendance(session: GroupSession, rows: list[Mapping[str, Any]]) -> None:
    """Reconcile the table by (nationality, gender, language): delete, then update, then create.

    In that order no step can collide with the uniqueness of a row; row by row (not in bulk) so
    that auditlog records each change.
    """
    wanted = {_row_key(r["nationality"], r["gender"], r["language"]): r for r in rows}
    if len(wanted) != len(rows):
        raise ValueError("The same nationality, gender and language appear on two attendance rows.")
    existing = {_row_key(r.nationality, r.gender, r.language_id): r for r in session.attendance.all()}
    for key, row in existing.items():
        if key not in wanted:
            row.delete()
    for key, row in existing.items():
        if key in wanted and row.count != wanted[key]["count"]:
            row.count = wanted[key]["count"]
            row.full_clean()
            row.save(update_fields=["count"])
    for key, data in wanted.items():
        if key not in existing:
            row = AttendanceRow(
                session=session,
                nationality=data["nationality"],
                gender=data["gender"],
                language=data["language"],
                count=data["count"],
            )
            row.full_clean(validate_constraints=False)
            row.save()


def _set_facilitators(session: GroupSession, facilitators: list, *, by) -> None:
    current = {u.pk: u for u in access.assignees([session]).get(session.pk, [])}
    wanted = {u.pk: u for u in facilitators}
    added = [pk for pk in wanted if pk not in current]
    if added and access.operators_assignable().filter(pk__in=added).count() != len(added):
        raise ValueError("Only active operators can facilitate a session.")
    for pk in added:
        access.assign(session, wanted[pk], by=by)
    for pk, user in current.items():
        if pk not in wanted:
            access.unassign(session, user, by=by)


@transaction.atomic
def session_follow_ups_create(*, session: GroupSession, requests: Iterable[Mapping[str, Any]], by) -> list[Referral]:
    """Turn participants' requests for an individual interview into referrals, all or none.

    Each request (name, is_alias, gender, nationality, phone, reason, urgency) becomes a new person
    and a referral through ``referral_intake``: channel "group-session follow-up", the session's host
    centre as referring body (even if it has closed since), received now, the recorder assigned.
    """
    if session.status != GroupSession.Status.HELD:
        raise ValueError("Only a held session has follow-ups.")
    centre = session.host_centre
    referrals = []
    for request in requests:
        name = request["name"].strip()
        person = Person(
            first_name="" if request.get("is_alias") else name,
            aliases=name if request.get("is_alias") else "",
            gender=request.get("gender") or Person.Gender.NOT_STATED,
            nationality=request.get("nationality") or "",
            phone=(request.get("phone") or "").strip(),
            reception_centre=centre if centre.kind in RECEPTION_KINDS else None,
        )
        referral = Referral(
            referring_body=centre,
            channel=Referral.Channel.GROUP_SESSION,
            received_at=timezone.now(),
            reason=request["reason"].strip(),
            urgency=request.get("urgency") or Referral.Urgency.ROUTINE,
        )
        referral = referral_intake(person=person, referral=referral, by=by)
        SessionReferral.objects.create(session=session, referral=referral)
        referrals.append(referral)
    return referrals
