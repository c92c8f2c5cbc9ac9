from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def restricted_badge(person):
    """A "restricted" badge beside a person's case code; only coordinators reach a restricted person's pages."""
    from privacy.models import Restriction

    if person is None or not Restriction.objects.filter(person=person).exists():
        return ""
    return format_html('<span class="badge text-bg-warning restricted-badge">{}</span>', _("restricted"))
