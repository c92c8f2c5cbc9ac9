"""The pathways of a person, on her page (a tag, so ``referrals`` imports nothing of ``protection``)."""

from __future__ import annotations

from django import template

from ceis import access

register = template.Library()


@register.inclusion_tag("protection/_of_person.html", takes_context=True)
def pathways_of_person(context, person):
    """The pathways of ``person`` the reader may see (one query); the others are not even counted."""
    user = context["request"].user
    pathways = access.visible(person.pathways.all(), user).order_by("-started_on", "-id")
    return {"pathways": list(pathways)}
