from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def restricted_badge(context, person):
    """A "restricted" badge beside a person's case code. Only those who see restricted people (coordinators)
    can be on such a page, so for everyone else there is nothing to look up: no query."""
    from ceis import access
    from privacy.models import Restriction

    request = context.get("request")
    if person is None or request is None or not access.sees_restricted(request.user):
        return ""
    if not Restriction.objects.filter(person=person).exists():
        return ""
    return format_html('<span class="badge text-bg-warning restricted-badge">{}</span>', _("restricted"))
