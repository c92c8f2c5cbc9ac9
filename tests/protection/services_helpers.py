"""Helpers of the service-referral tests: a service beneath a pathway or a referral, with the consent it needs."""

from __future__ import annotations

import datetime

from django.utils import timezone

from protection.service_referrals import services
from protection.service_referrals.models import ServiceReferral
from tests import factories


def provider(name: str | None = None):
    return factories.PartnerBodyFactory(kind="health", **({"name": name} if name else {}))


def consented(person, body):
    return factories.ConsentFactory(person=person, purpose="referral", recipient=body)


def request(
    *, by, pathway=None, referral=None, body=None, days_ago: int = 0, type: str = "psychological", **fields
) -> ServiceReferral:
    """A service requested ``days_ago`` (her consent to the provider recorded first)."""
    anchor = pathway or referral
    body = body or provider()
    consented(anchor.person, body)
    service = ServiceReferral(
        type=type,
        provider=body,
        requested_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        **fields,
    )
    return services.service_request(service=service, pathway=pathway, referral=referral, by=by)
