"""The services requested beneath a referral, on the referral's page (a tag, so ``referrals`` imports nothing of
``protection``)."""

from __future__ import annotations

from django import template

from protection.service_referrals.selectors import services_of

register = template.Library()


@register.inclusion_tag("protection/services/_beneath.html")
def services_beneath(referral, can_change: bool):
    """``referral`` has been fetched through ``ceis.access`` by the page; one query for its services."""
    return {"services": services_of(referral), "referral": referral, "can_change": can_change}
