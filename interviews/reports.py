"""Reports to the referring body (e.g. the Commissione Territoriale): writes and reads.

A report is visible exactly when its referral is: every lookup goes through ``ceis.access`` on the
referral first, then finds the report among that referral's reports. What the print page shows is
decided here, in ``report_contents``, and nowhere else: a section the operator did not choose is
never even loaded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceis import access
from ceis.audit.services import acting_as
from ceis.consent.models import Disclosure
from ceis.consent.selectors import may_share, purpose_for
from ceis.consent.services import SharingRefused, share_guard
from referrals.models import ExploitationForm, Referral

from .models import IndicatorAnswer, Interview, InterviewList, Report, SentReport
from .profile import ListProfile, profiles_for

SENT_IN_FUTURE = _("The date it was sent cannot be in the future.")


# Selectors


def referral_for_report(user, referral_pk: int, *, action: str = "view") -> Referral:
    """The referral a new report hangs below, or 404."""
    qs = Referral.objects.select_related("person", "referring_body")
    return access.get_visible(qs, user, action=action, pk=referral_pk)


def report_get(user, pk: int, *, action: str = "view") -> Report:
    """One report the user may see (``action="change"``: edit) through its referral, or 404."""
    qs = Referral.objects.select_related("person", "referring_body")
    referral = access.get_visible(qs, user, action=action, reports__pk=pk)
    try:
        report = referral.reports.select_related("recipient").get(pk=pk)
    except Report.DoesNotExist as exc:
        raise Http404 from exc
    report.referral = referral
    return report


@dataclass
class Identity:
    name: str
    date_of_birth: datetime.date | None
    birth_year: int | None
    age_doubtful: bool
    nationality: str


@dataclass
class ReportContents:
    """What the print page may show. ``None`` means "not chosen": the template prints nothing for it."""

    identity: Identity | None = None
    outcome: str | None = None
    exploitation_forms: list | None = None
    forms_from_interviews: bool = False  # False: none emerged yet, the forms suspected at referral are shown
    interview_dates: list[datetime.datetime] | None = None
    profiles: list[ListProfile] | None = None
    opinion: str | None = None


def report_contents(report: Report) -> ReportContents:
    referral = report.referral
    contents = ReportContents()
    if report.include_identity:
        person = referral.person
        contents.identity = Identity(
            name=" ".join(p for p in (person.first_name, person.last_name) if p) or person.aliases,
            date_of_birth=person.date_of_birth,
            birth_year=person.effective_birth_year,
            age_doubtful=person.age_doubtful,
            nationality=person.nationality.name if person.nationality else "",
        )
    if report.include_outcome:
        contents.outcome = referral.get_outcome_display() if referral.outcome else ""
    if report.include_forms:
        emerged = ExploitationForm.objects.filter(interviews__in=_completed_interviews(referral)).distinct()
        forms = [str(f) for f in emerged]
        contents.forms_from_interviews = bool(forms)
        contents.exploitation_forms = forms or [str(f) for f in referral.exploitation_forms.all()]
    if report.include_interviews:
        contents.interview_dates = list(
            _completed_interviews(referral).exclude(held_at=None).order_by("held_at").values_list("held_at", flat=True)
        )
    if report.include_profile:
        contents.profiles = _indicator_profiles(referral)
    if report.include_opinion:
        contents.opinion = report.opinion
    return contents


def _completed_interviews(referral: Referral):
    return Interview.objects.filter(referral=referral, status=Interview.Status.COMPLETED)


def _indicator_profiles(referral: Referral) -> list[ListProfile]:
    """The profile, per ILO list, of the indicators observed or reported in the completed interviews."""
    interviews = _completed_interviews(referral)
    answers = IndicatorAnswer.objects.filter(
        interview__in=interviews, answer__in=IndicatorAnswer.PRESENT
    ).select_related("indicator__version")
    used = InterviewList.objects.filter(interview__in=interviews).select_related("version")
    return profiles_for(answers, substituted={r.version_id for r in used if r.substitute})


def report_refusal(report: Report) -> SharingRefused | None:
    """Why this report may not be printed for its recipient (no consent, no legal basis), or None if it may."""
    person, recipient = report.referral.person, report.recipient
    purpose = purpose_for(recipient)
    if may_share(person, purpose, recipient) is not None:
        return None
    return SharingRefused(person=person, purpose=purpose, recipient=recipient, kept="report")


# Services


def report_new(*, referral: Referral) -> Report:
    """An unsaved report with the defaults: sent to the body that referred the person."""
    return Report(referral=referral, recipient=referral.referring_body)


@transaction.atomic
def report_save(*, form, by) -> Report:
    """Save a validated report form (new or edited); the opinion stays encrypted and out of the audit diff."""
    report = form.save(commit=False)
    if report.pk is None:
        report.created_by = by
    with acting_as(by):
        report.save()
    return report


@transaction.atomic
def report_mark_sent(*, report: Report, sent_at: datetime.date, by) -> Report:
    """Record the date the report was sent, on the report and on its referral.

    Sending it shares the person's data with the recipient: the consent gate
    (``ceis.consent.services.share_guard``) refuses without her consent or a legal basis, and nothing is saved.
    """
    if sent_at > timezone.localdate():
        raise ValidationError({"sent_at": SENT_IN_FUTURE})
    referral = Referral.objects.select_for_update().get(pk=report.referral_id)
    share_guard(
        person=report.referral.person,
        purpose=purpose_for(report.recipient),
        recipient=report.recipient,
        action=Disclosure.Action.REPORT_SENT,
        target=report,
        by=by,
        shared_on=sent_at,
    )
    report.sent_at = sent_at
    referral.report_returned_at = sent_at
    with acting_as(by):
        report.save(update_fields=["sent_at"])
        referral.save(update_fields=["report_returned_at", "updated_at"])
        _sent_version_store(report=report, sent_at=sent_at, by=by)
    report.referral.report_returned_at = sent_at
    return report


def report_pdf(report: Report, *, letter_date: datetime.date, protocol: str = "") -> bytes:
    """The letter as a PDF with the letterhead (Italian: it goes to an Italian office)."""
    from ceis.pdf import render_pdf

    return render_pdf(
        "interviews/letter_pdf.html",
        {
            "report": report,
            "referral": report.referral,
            "contents": report_contents(report),
            "letter_date": letter_date,
            "protocol": protocol,
        },
    )


def _sent_version_store(*, report: Report, sent_at: datetime.date, by) -> SentReport:
    """Take the next protocol number of the year and keep the exact PDF sent, encrypted, with its hash.

    Runs inside ``report_mark_sent``'s transaction: the protocol counter stays locked until it commits, and a
    failure anywhere gives the number back (no gaps).
    """
    import hashlib

    from ceis.crypto import fernet
    from ceis.service.services import protocol_take

    number = protocol_take(year=sent_at.year)
    last = report.sent_versions.order_by("-version").values_list("version", flat=True).first() or 0
    pdf = report_pdf(report, letter_date=sent_at, protocol=f"{number}/{sent_at.year}")
    return SentReport.objects.create(
        report=report,
        version=last + 1,
        recipient=report.recipient,
        sent_at=sent_at,
        protocol_year=sent_at.year,
        protocol_number=number,
        pdf=fernet().encrypt(pdf).decode(),
        sha256=hashlib.sha256(pdf).hexdigest(),
        created_by=by,
    )


def sent_versions(report: Report) -> list[SentReport]:
    """The versions of the report as sent, newest first (without their PDFs)."""
    return list(
        report.sent_versions.defer("pdf")
        .annotate(has_pdf=ExpressionWrapper(~Q(pdf=""), output_field=BooleanField()))
        .order_by("-version")
    )


def sent_version_get(user, report_pk: int, version: int) -> SentReport:
    """One version as sent of a report the user may see, or 404."""
    report = report_get(user, report_pk)
    try:
        sent = report.sent_versions.exclude(pdf="").get(version=version)
    except SentReport.DoesNotExist as exc:
        raise Http404 from exc
    sent.report = report
    return sent


def sent_version_pdf(sent: SentReport) -> bytes:
    """The PDF exactly as sent; the read goes to the audit log."""
    from ceis.audit.services import record_viewed
    from ceis.crypto import fernet

    data = fernet().decrypt(sent.pdf.encode())
    record_viewed(sent)
    return data
