from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import services
from .models import Notification


def notification_list(request):
    page = Paginator(request.user.notifications.all(), 25).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@require_POST
def notification_open(request, pk: int):
    """Mark read and go to what it is about (a user only ever reaches her own notifications)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(notification=notification)
    if notification.path and url_has_allowed_host_and_scheme(notification.path, allowed_hosts=None):
        return redirect(notification.path)
    return redirect("notifications:list")


@require_POST
def notifications_read_all(request):
    services.notifications_mark_all_read(user=request.user)
    return redirect("notifications:list")
