from __future__ import annotations

from django import template

from ceis.layouts import render_form

register = template.Library()


@register.simple_tag(takes_context=True)
def layout(context, form):
    """``{% layout form %}``: what ``{% crispy form %}`` writes, in one pass for the simple layouts
    (``ceis.layouts``)."""
    return render_form(form, context.flatten())
