"""Writes on people and referrals. Each service is one transaction and records its audit and notifications."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceis import access
from ceis.audit.services import acting_as, batched_log_entries
from ceis.consent.models import Disclosure
from ceis.consent.selectors import may_share, purpose_for
from ceis.consent.services import SharingRefused, share_guard
from ceis.notifications.models import Notification
from ceis.notifications.services import notification_create
from ceis.partners.models import PartnerBody

from . import matching
from .models import Person, Referral


@dataclass
class Matches:
    """The likely matches of a person, split by what the user may know of them."""

    visible: list[tuple[Person, matching.Candidate]] = field(default_factory=list)
    hidden: bool = False  # some match exists that she may not see: she learns only that

    @property
    def any(self) -> bool:
        return bool(self.visible) or self.hidden


def likely_matches(*, person: Person, user, exclude_pk: int | None = None) -> Matches:
    """People who may be ``person`` (blind keys, ``referrals.matching``), as far as ``user`` may know them.

    A coordinator sees every record, so every candidate (case code, score, reasons) and may attach the referral
    to one. An operator is shown the case codes of the records she may see anyway (no score, no reasons); of
    any other she learns only that the person may already be known and that the coordinator decides.
    """
    if person.anonymous:
        return Matches()
    candidates = matching.find_candidates(
        first_name=person.first_name,
        last_name=person.last_name,
        aliases=person.aliases,
        birth_year=person.effective_birth_year,
        exclude_pk=exclude_pk,
    )
    if not candidates:
        return Matches()
    by_pk = {c.person_id: c for c in candidates}
    people = access.visible(Person.objects.filter(pk__in=list(by_pk)), user).only("pk", "case_code", "birth_year")
    visible = sorted(((p, by_pk[p.pk]) for p in people), key=lambda pc: (-pc[1].score, pc[0].case_code))
    return Matches(visible=visible, hidden=len(visible) < len(candidates))


def may_attach(user) -> bool:
    """Coordinators decide whether a referral concerns a person already known (they see every record)."""
    return access.sees_restricted(user) and user.has_perm("referrals.change_person")


@transaction.atomic
def referral_intake(
    *, person: Person, referral: Referral, exploitation_forms=(), by, possible_duplicate: bool | None = None
) -> Referral:
    """Record a referral (and a new person, unless ``person`` is already saved); assign the recorder.

    ``possible_duplicate``: the answer of the duplicate check the caller has just made for this person
    (``IntakeForm``), so that it is not asked twice; ``None`` checks here. A new person flagged so is put
    before the coordinators (a notification each) to review.
    An already saved ``person`` is one a coordinator attached the referral to: she must be able to see her.
    """
    if person.pk is not None and not (may_attach(by) and access.can_view(by, person)):
        raise PermissionDenied("Only a coordinator attaches a referral to a person already known.")
    with acting_as(by), batched_log_entries():
        referral = _referral_intake(
            person=person,
            referral=referral,
            exploitation_forms=exploitation_forms,
            by=by,
            possible_duplicate=possible_duplicate,
        )
    if referral.possible_duplicate and not may_attach(by):  # a coordinator recording it has decided already
        _ask_coordinators_to_review(referral)
    return referral


def _ask_coordinators_to_review(referral: Referral) -> None:
    from django.contrib.auth import get_user_model

    from ceis.accounts import roles

    path = reverse("referrals:detail", args=[referral.pk])
    for user in get_user_model().objects.filter(is_active=True, groups__name=roles.COORDINATOR).distinct():
        notification_create(
            recipient=user,
            kind=Notification.Kind.POSSIBLE_MATCH,
            label=referral.person.case_code,
            path=path,
            event_key=f"possible_match:{referral.pk}",
        )


ALREADY_THAT_PERSON = _("This referral already concerns that person.")


@transaction.atomic
def referral_attach(*, referral: Referral, person: Person, by) -> Person:
    """Move a referral to a person already known (a coordinator's decision, after intake); audited.

    The person the referral leaves keeps her record (a merge, if any, is decided on her page); the referral's
    "possible duplicate" flag is cleared: the question has its answer.
    """
    if not may_attach(by):
        raise PermissionDenied("Only a coordinator attaches a referral to a person already known.")
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.person_id == person.pk:
        raise ValidationError(ALREADY_THAT_PERSON)
    referral.person = person
    referral.possible_duplicate = False
    with acting_as(by):
        referral.save(update_fields=["person", "possible_duplicate", "updated_at"])
    return person


def _referral_intake(*, person: Person, referral: Referral, exploitation_forms, by, possible_duplicate) -> Referral:
    # Written once each, nothing read back: the recorder (``by``) and the person just saved are known to
    # exist, the case code comes from its counter, the new referral has no follow-up link, no forms of
    # exploitation and no assignee yet (bench/README.md, "Referral intake").
    if person.pk is None:
        person.created_by = by
        person.full_clean(exclude=["created_by", "case_code"])
        if possible_duplicate is None:
            possible_duplicate = likely_matches(person=person, user=by).any
        referral.possible_duplicate = possible_duplicate
        person.save()
    referral.person = person
    referral.created_by = by
    # The body and contact were chosen in the form's lists of active ones (callers pass saved instances).
    referral.full_clean(exclude=["person", "created_by", "referring_body", "referring_contact"])
    Referral._meta.get_field("group_session_link").set_cached_value(referral, None)
    if by.is_operator:
        # Recorded by an operator: written once, already "assigned"; the audit entries are those of a referral
        # created "new" then moved to "assigned" (as when it was saved twice).
        _save_new_as(referral, Referral.Status.ASSIGNED)
        _add_exploitation_forms(referral, exploitation_forms)
        access.assign_new(referral, [by], by=by)
        _log_status_change(referral, Referral.Status.NEW)
    else:
        referral.save()
        _add_exploitation_forms(referral, exploitation_forms)
    return referral


def _save_new_as(referral: Referral, status: str) -> None:
    """Insert a new referral with ``status`` and log its creation as django-auditlog does, as a "new" one."""
    from auditlog.context import disable_auditlog
    from auditlog.diff import model_instance_diff
    from auditlog.models import LogEntry
    from django.conf import settings

    referral.status = status
    with disable_auditlog():
        referral.save()
    as_new = copy.copy(referral)
    as_new.status = Referral.Status.NEW
    changes = model_instance_diff(None, as_new, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES)
    LogEntry.objects.log_create(as_new, action=LogEntry.Action.CREATE, changes=changes)


def _log_status_change(referral: Referral, old_status: str) -> None:
    """The audit entry django-auditlog writes for ``save(update_fields=["status", "updated_at"])``."""
    from auditlog.diff import model_instance_diff
    from auditlog.models import LogEntry
    from django.conf import settings

    old = copy.copy(referral)
    old.status = old_status
    changes = model_instance_diff(
        old,
        referral,
        fields_to_check=["status", "updated_at"],
        use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES,
    )
    if changes:
        LogEntry.objects.log_create(referral, action=LogEntry.Action.UPDATE, changes=changes)


def _add_exploitation_forms(referral: Referral, forms) -> None:
    """The forms of a new referral: the link rows in one insert and the m2m audit entry django-auditlog
    writes for ``.add()`` (same content), without re-reading the forms or the (empty) existing links."""
    from auditlog.models import LogEntry

    forms = sorted({f.pk: f for f in forms}.values(), key=lambda f: (f.position, f.pk))
    if not forms:
        return
    through = Referral.exploitation_forms.through
    through.objects.bulk_create([through(referral_id=referral.pk, exploitationform_id=f.pk) for f in forms])
    LogEntry.objects.log_m2m_changes(forms, referral, "add", "exploitation_forms")


@transaction.atomic
def referral_assign(*, referral: Referral, operator, by) -> bool:
    """Assign an operator: grant access, move new → assigned, audit, notify (all or nothing)."""
    if not access.operators_assignable().filter(pk=operator.pk).exists():
        raise ValueError("Only active operators can be assigned.")
    if not access.assign(referral, operator, by=by):
        return False
    if referral.status == Referral.Status.NEW:
        referral.status = Referral.Status.ASSIGNED
        referral.save(update_fields=["status", "updated_at"])
    notification_create(
        recipient=operator,
        kind=Notification.Kind.ASSIGNED,
        label=referral.person.case_code,
        path=reverse("referrals:detail", args=[referral.pk]),
    )
    return True


@transaction.atomic
def referral_unassign(*, referral: Referral, operator, by) -> bool:
    if not access.unassign(referral, operator, by=by):
        return False
    if referral.status == Referral.Status.ASSIGNED and not access.assignees([referral]).get(referral.pk):
        referral.status = Referral.Status.NEW
        referral.save(update_fields=["status", "updated_at"])
    notification_create(recipient=operator, kind=Notification.Kind.UNASSIGNED, label=referral.person.case_code)
    return True


@transaction.atomic
def referral_update(*, form, by) -> Referral:
    """Save a validated referral form (fields and forms of exploitation together)."""
    with acting_as(by):
        return form.save()


@transaction.atomic
def person_update(*, form, by) -> Person:
    with acting_as(by):
        return form.save()


ALREADY_CLOSED = _("This referral is already closed.")
OUTCOME_REQUIRED = _("Choose the outcome of identification: it is required to close the referral.")
RECEIVING_BODY_REQUIRED = _("Give the body the person is referred or transferred to.")
# Outcomes that send the person (and her data) on to another body: the consent gate applies.
REFERS_ON = (Referral.Outcome.TRANSFERRED, Referral.Outcome.NOT_TRAFFICKING)


def _check_outcome(outcome: str, receiving_body: PartnerBody | None) -> None:
    if outcome not in Referral.Outcome.values:
        raise ValidationError({"outcome": OUTCOME_REQUIRED})
    if outcome in REFERS_ON and receiving_body is None:
        raise ValidationError({"receiving_body": RECEIVING_BODY_REQUIRED})


def referral_close_check(
    referral: Referral, *, outcome: str, receiving_body: PartnerBody | None = None, **_entered
) -> None:
    """What ``referral_close`` would refuse, checked without saving anything: for a closure request
    (``ceis.approvals``), so that the operator learns now of a missing outcome or consent."""
    _check_outcome(outcome, receiving_body)
    if not Referral.objects.filter(pk=referral.pk).exclude(status=Referral.Status.CLOSED).exists():
        raise ValidationError(ALREADY_CLOSED)
    if outcome in REFERS_ON:
        purpose = purpose_for(receiving_body)
        if may_share(referral.person, purpose, receiving_body) is None:
            raise SharingRefused(person=referral.person, purpose=purpose, recipient=receiving_body)


def referral_close_approved(
    referral: Referral, *, outcome: str, receiving_body: PartnerBody | None = None, note: str = "", by, **_entered
) -> Referral:
    """A closure request approved (``ceis.approvals``): the closure with what the operator entered."""
    return referral_close(referral=referral, outcome=outcome, closure_note=note, receiving_body=receiving_body, by=by)


@transaction.atomic
def referral_close(
    *, referral: Referral, outcome: str, closure_note: str = "", receiving_body: PartnerBody | None = None, by
) -> Referral:
    """Close an open referral with the outcome of identification, which is required.

    The row is locked first, so two people closing at once cannot both succeed. Closing by referring
    the person on (``REFERS_ON``) names the receiving body and passes the consent gate
    (``ceis.consent.services.share_guard``): without her consent or a legal basis nothing is saved.
    """
    _check_outcome(outcome, receiving_body)
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if not locked.is_open:
        raise ValidationError(ALREADY_CLOSED)
    if outcome in REFERS_ON:
        share_guard(
            person=referral.person,
            purpose=purpose_for(receiving_body),
            recipient=receiving_body,
            action=Disclosure.Action.REFERRAL_CLOSED,
            target=referral,
            by=by,
        )
    referral.status = Referral.Status.CLOSED
    referral.outcome = outcome
    referral.closed_at = timezone.now()
    referral.closure_note = closure_note
    with acting_as(by):
        referral.save(update_fields=["status", "outcome", "closed_at", "closure_note", "updated_at"])
    return referral


STATUS_ORDER = [
    Referral.Status.NEW,
    Referral.Status.ASSIGNED,
    Referral.Status.INTERVIEW_SCHEDULED,
    Referral.Status.IN_ASSESSMENT,
    Referral.Status.CLOSED,
]


def referral_advance(*, referral: Referral, to: str, by) -> bool:
    """Move an open referral forward in its flow (never backwards, never out of 'closed').

    Interviews call it: scheduling one → "interview scheduled", holding one → "in assessment".
    """
    if referral.status == Referral.Status.CLOSED or to == Referral.Status.CLOSED:
        return False
    if STATUS_ORDER.index(to) <= STATUS_ORDER.index(referral.status):
        return False
    referral.status = to
    with acting_as(by):
        referral.save(update_fields=["status", "updated_at"])
    return True
