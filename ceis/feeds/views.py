"""The private calendar feed: a page to create or revoke the link, and the feed itself (no login: the link is
the key)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ceis.accounts import roles
from ceis.accounts.decorators import role_required
from ceis.audit.models import Event
from ceis.audit.services import event_record

from . import ical, selectors, services
from .models import CalendarFeed

CASE_ROLES = (roles.OPERATOR, roles.COORDINATOR)
USED_AT_EVERY = datetime.timedelta(hours=1)  # when the feed was last read, without a write per poll


@role_required(*CASE_ROLES)
def settings_page(request):
    """GET: whether a link exists. POST: a new link, shown on this response only."""
    link = None
    if request.method == "POST":
        token = services.feed_create(user=request.user)
        link = request.build_absolute_uri(reverse("feeds:feed", args=[token]))
    elif request.method not in ("GET", "HEAD"):
        raise Http404
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(request, "feeds/calendar.html", {"feed": feed, "link": link})


@role_required(*CASE_ROLES)
@require_POST
def revoke(request):
    if services.feed_revoke(user=request.user):
        messages.success(request, _("The calendar link no longer works."))
    return redirect("feeds:settings")


@login_not_required
@require_safe
def feed(request, token: str):
    """The feed of the link's owner; an unknown, revoked or malformed token, or a deactivated owner: 404."""
    if len(token) > 100:
        raise Http404
    row = CalendarFeed.objects.select_related("user").filter(token_hash=services.token_hash(token)).first()
    if row is None or not row.user.is_active or not any(row.user.has_role(r) for r in CASE_ROLES):
        raise Http404
    now = timezone.now()
    if row.used_at is None or now - row.used_at > USED_AT_EVERY:
        CalendarFeed.objects.filter(pk=row.pk).update(used_at=now)
    with translation.override(row.user.language or "it"):
        events = selectors.feed_events(row.user, now=now)
        body = ical.to_ical(events, name=_("CeIS appointments"), host=request.get_host())
    event_record(kind=Event.Kind.EXPORT, actor=row.user, details={"what": "calendar feed", "events": len(events)})
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
