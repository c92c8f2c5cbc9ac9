from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@lru_cache(maxsize=256)
def _reverse(name: str, prefix: str, urlconf: str) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def nav_url(name: str) -> str:
    """``{% url name %}`` for a route without arguments, reversed once per prefix and URLconf: the navigation bar
    on every page asked the resolver ~25 times per request (issue #20)."""
    return _reverse(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
