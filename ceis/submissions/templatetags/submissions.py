"""``{% submission_token %}``: the hidden one-time token of a creating form (a builtin: no ``{% load %}``)."""

from django import template
from django.utils.html import format_html

from ceis.submissions import tokens

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_token(context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return format_html('<input type="hidden" name="{}" value="{}">', tokens.FIELD, tokens.issue(user))
