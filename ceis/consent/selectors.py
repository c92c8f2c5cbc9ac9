"""Reads of consents and legal bases, and the one question every sharing asks: :func:`may_share`."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ceis.partners.models import PartnerBody

from .models import Consent, ConsentWithdrawal, Disclosure, LegalBasis, Purpose


def purpose_for(recipient: PartnerBody) -> str:
    """The purpose that sending a person's data to this body serves: police and courts have their own."""
    if recipient.kind in (PartnerBody.Kind.QUESTURA, PartnerBody.Kind.TRIBUNALE):
        return Purpose.POLICE_JUDICIAL
    return Purpose.REFERRAL


def _recipient_matches(recipient: PartnerBody | None) -> Q:
    # A consent or basis for "any recipient" covers every body; one naming a body covers that body only.
    # With no recipient given, only the "any recipient" ones can be relied on.
    if recipient is None:
        return Q(recipient__isnull=True)
    return Q(recipient__isnull=True) | Q(recipient=recipient)


def valid_consents(person) -> QuerySet[Consent]:
    """The person's consents that hold today: given (not in the future) and not withdrawn."""
    withdrawn = ConsentWithdrawal.objects.filter(consent=OuterRef("pk"))
    return Consent.objects.filter(person=person, given_on__lte=timezone.localdate()).filter(~Exists(withdrawn))


def may_share(person, purpose: str, recipient: PartnerBody | None = None) -> Consent | LegalBasis | None:
    """What allows sharing ``person``'s data for ``purpose`` with ``recipient``, or None if nothing does.

    A valid consent (given, not withdrawn) for that purpose and for that recipient or any recipient comes
    first; failing that, a recorded legal basis (GDPR art. 9(2)) for that purpose and recipient (or any).
    Reads only: the services that share call :func:`ceis.consent.services.share_guard`, which asks this
    same question under a lock and records the disclosure.
    """
    return _basis(person, purpose, recipient)


def _basis(person, purpose: str, recipient: PartnerBody | None, *, lock: bool = False):
    matches = _recipient_matches(recipient)
    consents = valid_consents(person).filter(matches, purpose=purpose).order_by("-given_on", "-id")
    if lock:
        consents = consents.select_for_update()
    consent = consents.first()
    if consent is not None:
        return consent
    bases = LegalBasis.objects.filter(matches, person=person, purpose=purpose, decided_on__lte=timezone.localdate())
    return bases.order_by("-decided_on", "-id").first()


def consents_of(person) -> QuerySet[Consent]:
    """Every consent of the person, newest first, with what the list shows (a fixed number of queries)."""
    return (
        Consent.objects.filter(person=person)
        .select_related("recipient", "notice", "recorded_by", "withdrawal", "withdrawal__recorded_by")
        .order_by("-given_on", "-id")
    )


def legal_bases_of(person) -> QuerySet[LegalBasis]:
    return LegalBasis.objects.filter(person=person).select_related("recipient", "recorded_by")


def disclosures_of(person) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(person=person).select_related(
        "recipient", "recorded_by", "consent", "legal_basis", "target_type"
    )


def summary_of(person) -> dict:
    """What the person and referral pages show: the consents that hold and the legal bases (two queries)."""
    consents = list(valid_consents(person).select_related("recipient").order_by("purpose", "-given_on", "-id"))
    bases = list(legal_bases_of(person).order_by("purpose", "-decided_on", "-id"))
    return {"consents": consents, "legal_bases": bases}
