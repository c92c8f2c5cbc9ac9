from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from ceis import access
from ceis.accounts import roles
from ceis.accounts.decorators import role_required
from ceis.audit.services import record_viewed
from ceis.submissions.decorators import submitted_once

from . import selectors, services
from .forms import SessionFilter, SessionForm, attendance_formset, follow_up_formset
from .models import GroupSession

CASE_ROLES = (roles.OPERATOR, roles.COORDINATOR)
NEW_ROWS, EDIT_ROWS, MORE_ROWS, MAX_ROWS = 8, 3, 10, 60


def _extra_rows(request, default: int) -> int:
    """Empty rows to show: ``?rows=N`` asks for more (no script needed), within reason."""
    try:
        return max(default, min(int(request.GET.get("rows", default)), MAX_ROWS))
    except ValueError:
        return default


def _list(request, *, mine: bool):
    qs = selectors.sessions_for(request.user, mine=mine)
    filterset = SessionFilter(request.GET or None, queryset=qs)
    results = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = Paginator(results, settings.REFERRALS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "groups/session_list.html",
        {
            "mine": mine,
            "filter": filterset,
            "page": page,
            "facilitators": selectors.facilitator_names(page.object_list),
            "query": query.urlencode(),
        },
    )


@role_required(*CASE_ROLES)
def my_sessions(request):
    return _list(request, mine=True)


@role_required(roles.COORDINATOR)
def all_sessions(request):
    return _list(request, mine=False)


@role_required(*CASE_ROLES)
def upcoming(request):
    mine = not (request.user.is_coordinator and request.GET.get("all") == "1")
    days = selectors.upcoming_for(request.user, mine=mine)
    sessions = [s for day in days for s in day.sessions]
    return render(
        request,
        "groups/upcoming.html",
        {"days": days, "mine": mine, "facilitators": access.assignees(sessions)},
    )


def _form_page(request, *, session: GroupSession):
    """Plan or record a new session, or edit one: the session, its attendance table (a held session's only)
    and its facilitators together."""
    if session.is_cancelled:
        messages.info(request, _("This session was cancelled: it can no longer be changed."))
        return redirect("groups:detail", session.pk)
    data = request.POST if request.method == "POST" else None
    form = SessionForm(data, instance=session, user=request.user)
    extra = _extra_rows(request, EDIT_ROWS if session.pk else NEW_ROWS)
    attendance = None
    if session.pk is None or session.is_held:
        attendance = attendance_formset(data, session=session, session_form=form, extra=extra)
    if request.method == "POST" and form.is_valid() and (attendance is None or attendance.is_valid()):
        is_new = session.pk is None
        saved = services.group_session_save(
            form=form, attendance=attendance, facilitators=form.cleaned_data["facilitators"], by=request.user
        )
        if not is_new:
            messages.success(request, _("Session saved."))
        elif saved.is_held:
            messages.success(request, _("Session recorded."))
        else:
            messages.success(request, _("Session planned. Mark it held once it has taken place."))
        if access.can_view(request.user, saved):
            return redirect("groups:detail", saved.pk)
        messages.info(request, _("You are not among its facilitators any more, so it is no longer on your list."))
        return redirect("groups:mine")
    return render(
        request,
        "groups/session_form.html",
        {
            "form": form,
            "attendance": attendance,
            "session": session if session.pk else None,
            "more_rows": extra + MORE_ROWS,
        },
    )


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
@submitted_once
def hold(request, pk: int):
    """Mark a planned session held, recording its attendance; not before it has taken place."""
    session = selectors.session_for_page(request.user, pk, action="change")
    if not session.is_planned:
        messages.info(request, _("Only a planned session can be marked held."))
        return redirect("groups:detail", session.pk)
    too_early = session.held_at > timezone.now()
    data = request.POST if request.method == "POST" and not too_early else None
    attendance = attendance_formset(data, session=session, session_form=None, extra=_extra_rows(request, NEW_ROWS))
    if data is not None and attendance.is_valid():
        services.session_hold(session=session, attendance=attendance, by=request.user)
        messages.success(request, _("Session marked held, with its attendance."))
        return redirect("groups:detail", session.pk)
    return render(
        request,
        "groups/session_hold.html",
        {
            "session": session,
            "attendance": attendance,
            "too_early": too_early,
            "more_rows": _extra_rows(request, NEW_ROWS) + MORE_ROWS,
        },
        status=409 if too_early and request.method == "POST" else 200,
    )


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
def cancel(request, pk: int):
    """Cancel a planned session, after a confirmation."""
    session = selectors.session_for_page(request.user, pk, action="change")
    if not session.is_planned:
        messages.info(request, _("Only a planned session can be cancelled."))
        return redirect("groups:detail", session.pk)
    if request.method == "POST":
        services.session_cancel(session=session, by=request.user)
        messages.success(request, _("Session cancelled. It stays on record and is counted nowhere."))
        return redirect("groups:detail", session.pk)
    return render(request, "groups/session_cancel.html", {"session": session})


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
@submitted_once
def new(request):
    if not request.user.has_perm("groups.add_groupsession"):
        raise Http404
    return _form_page(request, session=GroupSession())


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
@submitted_once
def edit(request, pk: int):
    return _form_page(request, session=selectors.session_for_page(request.user, pk, action="change"))


def _detail(request, session: GroupSession, *, requests=None, status: int = 200):
    rows = selectors.attendance_rows(session) if session.is_held else []
    can_change = access.can_change(request.user, session)
    can_refer = can_change and session.is_held and request.user.has_perm("referrals.add_referral")
    if requests is None and can_refer:
        requests = follow_up_formset(extra=_extra_rows(request, 2))
    return render(
        request,
        "groups/session_detail.html",
        {
            "session": session,
            "rows": rows,
            "totals": selectors.attendance_totals(rows),
            "facilitators": access.assignees([session]).get(session.pk, []),
            "follow_ups": selectors.follow_ups_of(session, request.user),
            "can_change": can_change and not session.is_cancelled,
            "too_early": session.is_planned and session.held_at > timezone.now(),
            "requests": requests if can_refer else None,
        },
        status=status,
    )


@role_required(*CASE_ROLES)
def detail(request, pk: int):
    session = selectors.session_for_page(request.user, pk)
    record_viewed(session)
    return _detail(request, session)


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
@submitted_once
def follow_ups(request, pk: int):
    """Participants who asked for an individual interview: each request becomes a referral, all at once."""
    session = selectors.session_for_page(request.user, pk, action="change")
    if not request.user.has_perm("referrals.add_referral"):
        raise Http404
    if request.method == "GET":
        return redirect("groups:detail", session.pk)
    if not session.is_held:
        messages.error(request, _("Follow-ups are recorded for a held session only: nothing has been saved."))
        return redirect("groups:detail", session.pk)
    requests = follow_up_formset(request.POST)
    if not requests.is_valid():
        return _detail(request, session, requests=requests)
    referrals = services.session_follow_ups_create(session=session, requests=requests.requests(), by=request.user)
    codes = ", ".join(r.person.case_code for r in referrals)
    messages.success(
        request,
        ngettext("Referral %(codes)s recorded.", "Referrals %(codes)s recorded.", len(referrals)) % {"codes": codes},
    )
    return redirect("groups:detail", session.pk)
