from __future__ import annotations

from django import template

from ceis import access

from .. import selectors

register = template.Library()


@register.inclusion_tag("documents/_panel.html", takes_context=True)
def documents_panel(context, record):
    """The documents on ``record`` the user may see (one query), and the way to add one if she may change it
    (the page's own ``can_change`` when it tells it about this record, else one more query)."""
    user = context["request"].user
    page_record = context.get("pathway") or context.get("referral") or context.get("person")
    knows = "can_change" in context and page_record is record
    return {
        "documents": list(selectors.documents_on(record, user)),
        "attach": selectors.attach_name(record),
        "record": record,
        "can_add": context["can_change"] if knows else access.can_change(user, record),
    }
