from __future__ import annotations

from django import template

from ceis import access

from .. import selectors

register = template.Library()


@register.inclusion_tag("documents/_panel.html", takes_context=True)
def documents_panel(context, record):
    """The documents on ``record`` the user may see (one query), and the way to add one if she may change it."""
    user = context["request"].user
    return {
        "documents": list(selectors.documents_on(record, user)),
        "attach": selectors.attach_name(record),
        "record": record,
        "can_add": access.can_change(user, record),
    }
