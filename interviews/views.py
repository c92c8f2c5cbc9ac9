from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ceis import access
from ceis.accounts import roles
from ceis.accounts.decorators import role_required
from ceis.agenda import planned_sessions
from ceis.audit.services import record_viewed
from ceis.service.selectors import service_settings
from ceis.service.services import service_settings_update
from ceis.submissions.decorators import submitted_once
from referrals.models import Referral

from . import catalogues, profile, selectors, services
from .forms import IndicatorAnswersForm, InterviewForm, ScheduleForm, checklists_of, indicators_for
from .models import Interview

CASE_ROLES = (roles.OPERATOR, roles.COORDINATOR)


def _referral(request, pk: int, action: str = "view") -> Referral:
    return access.get_visible(Referral.objects.select_related("person"), request.user, action=action, pk=pk)


def _interview(request, pk: int, action: str = "view") -> Interview:
    qs = selectors.interview_with_answers(Interview.objects.all())
    return access.get_visible(qs, request.user, action=action, pk=pk)


@role_required(*CASE_ROLES)
def for_referral(request, referral_pk: int):
    referral = _referral(request, referral_pk)
    interviews = selectors.interviews_for(request.user).filter(referral=referral).order_by("number")
    return render(
        request,
        "interviews/for_referral.html",
        {"referral": referral, "interviews": interviews, "can_change": access.can_change(request.user, referral)},
    )


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
@submitted_once
def schedule(request, referral_pk: int):
    referral = _referral(request, referral_pk, action="change")
    if not referral.is_open:
        messages.error(request, _("This referral is closed."))
        return redirect("interviews:for_referral", referral.pk)
    form = ScheduleForm(request.POST or None, user=request.user, referral=referral)
    if request.method == "POST" and form.is_valid():
        interview = services.interview_save(form=form, by=request.user)
        messages.success(request, _("Interview %(n)s scheduled.") % {"n": interview.number})
        return redirect("interviews:for_referral", referral.pk)
    return render(request, "interviews/schedule.html", {"form": form, "referral": referral})


def _full_form(request, *, referral: Referral, interview: Interview | None):
    action = InterviewForm.COMPLETE if request.POST.get("action") == InterviewForm.COMPLETE else InterviewForm.DRAFT
    data = request.POST or None
    form = InterviewForm(data, instance=interview, user=request.user, referral=referral, action=action)
    lists = catalogues.resolve(referral=referral, interview=interview)
    answers = {a.indicator_id: a for a in interview.answers.all()} if interview else {}
    versions = catalogues.versions_of(lists)
    shown = indicators_for(versions, checklists=catalogues.recorded_checklists(interview))
    checklists = checklists_of(shown)
    indicator_form = IndicatorAnswersForm(data, indicators=shown, answers=answers)
    if request.method == "POST" and form.is_valid() and indicator_form.is_valid():
        saved = services.interview_save(
            form=form,
            by=request.user,
            answers=indicator_form.answers(),
            lists=[x for x in lists if x.version],
            checklists=checklists,
        )
        if saved.status == Interview.Status.COMPLETED:
            messages.success(request, _("Interview %(n)s completed.") % {"n": saved.number})
        else:
            messages.success(request, _("Draft of interview %(n)s saved.") % {"n": saved.number})
        if saved.sex_mismatch:
            messages.warning(
                request,
                _("The interviewer or the interpreter is not of the same sex as the person, as the guidelines ask."),
            )
        return redirect("interviews:detail", saved.pk)
    return render(
        request,
        "interviews/form.html",
        {
            "form": form,
            "indicator_form": indicator_form,
            "lists": lists,
            "versions": versions,
            "checklists": checklists,
            "substituted": [x for x in lists if x.substitute],
            "substitute_line": catalogues.SUBSTITUTE_LINE,
            "missing_lists": [x for x in lists if x.missing],
            "referral": referral,
            "interview": interview,
        },
    )


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
@submitted_once
def record(request, referral_pk: int):
    """Record an interview that was not scheduled beforehand."""
    referral = _referral(request, referral_pk, action="change")
    return _full_form(request, referral=referral, interview=None)


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    interview = _interview(request, pk, action="change")
    return _full_form(request, referral=interview.referral, interview=interview)


@role_required(*CASE_ROLES)
def detail(request, pk: int):
    interview = _interview(request, pk)
    record_viewed(interview)
    answers = [a for a in interview.answers.all() if a.answer != a.Answer.NOT_ASKED or a.note]
    answers.sort(key=lambda a: (a.indicator.audience, a.indicator.exploitation, a.indicator.position))
    return render(
        request,
        "interviews/detail.html",
        {
            "interview": interview,
            "referral": interview.referral,
            "answers": answers,
            "profiles": profile.profiles_for(
                interview.answers.all(), substituted={r.version_id for r in interview.lists.all() if r.substitute}
            ),
            "checklists": profile.checklist_summaries(interview.answers.all()),
            "can_change": access.can_change(request.user, interview.referral),
        },
    )


@role_required(*CASE_ROLES)
def interview_list(request):
    status = request.GET.get("status")
    if status not in Interview.Status.values:
        status = None
    qs = selectors.interview_list(request.user, status=status or "")
    page = Paginator(qs, settings.REFERRALS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "interviews/list.html",
        {"page": page, "status": status, "statuses": Interview.Status.choices, "query": query.urlencode()},
    )


@role_required(*CASE_ROLES)
def agenda(request):
    mine = not (request.user.is_coordinator and request.GET.get("all") == "1")
    agenda = selectors.agenda(request.user, mine=mine)
    return render(
        request,
        "interviews/agenda.html",
        {
            "interviews": [e.interview for e in agenda.entries if e.kind == "interview"],
            "entries": agenda.entries,
            "drafts": agenda.drafts,
            "more_drafts": agenda.drafts_count - len(agenda.drafts),
            "sessions": list(planned_sessions(request.user, mine=mine)),
            "mine": mine,
        },
    )


@role_required(roles.COORDINATOR)
@require_http_methods(["GET", "POST"])
def substitution(request):
    """Coordinators decide whether a missing list is replaced by the labour list (audited service setting)."""
    row = service_settings()
    if request.method == "POST":
        enabled = request.POST.get("catalogue_substitution") == "on"
        service_settings_update(by=request.user, catalogue_substitution=enabled)
        if enabled:
            messages.success(request, _("Missing lists are now replaced by the labour list, labelled as such."))
        else:
            messages.success(request, _("Missing lists are no longer replaced: the form says which list is missing."))
        return redirect("interviews:substitution")
    return render(request, "interviews/substitution.html", {"enabled": row.catalogue_substitution})
