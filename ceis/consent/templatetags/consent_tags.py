"""``{% consent_summary person %}``: the consents that hold and the legal bases, on the person and referral pages.

The page that includes it has already fetched the person through ``ceis.access`` and audited the read.
"""

from __future__ import annotations

from django import template

from ceis.consent import selectors

register = template.Library()


@register.inclusion_tag("consent/_summary.html", takes_context=True)
def consent_summary(context, person):
    return {"person": person, "request": context.get("request"), **selectors.summary_of(person)}


@register.inclusion_tag("consent/_refused.html", takes_context=True)
def sharing_refused(context, refusal):
    """The way out of a refused sharing: links to record the consent or the legal basis, then come back."""
    request = context.get("request")
    return {"refusal": refusal, "back": request.get_full_path() if request is not None else ""}
