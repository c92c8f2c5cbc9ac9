"""What a partner account may read: its own body's portal referrals, as case code, date and status only.

Nothing here reads a record's content: the queries select the case code, the date received and the status,
and map the status to the three a partner body sees.
"""

from __future__ import annotations

from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import pgettext_lazy

from ceis import access
from ceis.accounts import roles
from referrals.models import Referral


class PortalStatus:
    """The status a partner body sees: the service's own steps are not its business."""

    RECEIVED = "received"
    TAKEN_IN_CHARGE = "taken_in_charge"
    CLOSED = "closed"

    LABELS = {
        RECEIVED: pgettext_lazy("portal status", "received"),
        TAKEN_IN_CHARGE: pgettext_lazy("portal status", "taken in charge"),
        CLOSED: pgettext_lazy("portal status", "closed"),
    }
    values = (RECEIVED, TAKEN_IN_CHARGE, CLOSED)


PORTAL_STATUS = Case(
    When(status=Referral.Status.NEW, then=Value(PortalStatus.RECEIVED)),
    When(status=Referral.Status.CLOSED, then=Value(PortalStatus.CLOSED)),
    default=Value(PortalStatus.TAKEN_IN_CHARGE),
    output_field=CharField(),
)

# The only columns a portal page or the API ever reads of a referral.
PORTAL_FIELDS = ("pk", "case_code", "received_at", "portal_status")


def portal_status(status: str) -> str:
    """The partner's status of a referral status (``Referral.Status``)."""
    if status == Referral.Status.NEW:
        return PortalStatus.RECEIVED
    if status == Referral.Status.CLOSED:
        return PortalStatus.CLOSED
    return PortalStatus.TAKEN_IN_CHARGE


def portal_referrals(user) -> QuerySet:
    """The portal referrals of the user's own body, newest first, as dicts of ``PORTAL_FIELDS``.

    Empty for anyone who is not an active partner account with a body. A referral of a person whose
    processing is restricted (GDPR art. 18) is left out, as it is for everyone but coordinators.
    """
    if user.is_authenticated and user.is_active and user.has_role(roles.PARTNER) and user.partner_body_id:
        qs = Referral.objects.filter(referring_body_id=user.partner_body_id, channel=Referral.Channel.PORTAL)
        qs = access.without_restricted(qs)
    else:
        qs = Referral.objects.none()
    return (
        qs.annotate(case_code=F("person__case_code"), portal_status=PORTAL_STATUS)
        .order_by("-received_at", "-id")
        .values(*PORTAL_FIELDS)
    )


def portal_referral(user, pk) -> dict:
    """One referral of ``portal_referrals`` by pk, or 404 (another body's, not from the portal, malformed id)."""
    try:
        return portal_referrals(user).get(pk=pk)
    except (Referral.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
