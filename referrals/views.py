from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ceis import access
from ceis.accounts import roles
from ceis.accounts.decorators import role_required
from ceis.approvals import services as approvals
from ceis.approvals.selectors import pending_redirect
from ceis.audit.selectors import record_readers
from ceis.audit.services import record_viewed
from ceis.consent.services import SharingRefused
from ceis.submissions.decorators import submitted_once

from . import merge as merging
from . import selectors, services
from .filters import ReferralFilter
from .forms import (
    AssignForm,
    AttachForm,
    CloseForm,
    IntakeForm,
    MergeConfirmForm,
    MergeStartForm,
    NameSearchForm,
    PersonForm,
    ReferralForm,
)
from .models import Person, PersonMerge, Referral

CASE_ROLES = (roles.OPERATOR, roles.COORDINATOR)

URGENCY_RANK = Case(
    When(urgency=Referral.Urgency.IMMEDIATE, then=Value(3)),
    When(urgency=Referral.Urgency.PRIORITY, then=Value(2)),
    default=Value(1),
    output_field=IntegerField(),
)


# Labels of the list's choice columns, looked up once per row: ``get_FOO_display`` hashes every label of the
# field's choices (each a translation) for every row, a fifth of the list's template time (issue #20).
LIST_LABELS = {
    "channel": dict(Referral.Channel.choices),
    "status": dict(Referral.Status.choices),
    "urgency": dict(Referral.Urgency.choices),
}


def _list(request, *, mine: bool):
    qs = selectors.referrals_for(request.user, mine=mine).annotate(urgency_rank=URGENCY_RANK)
    filterset = ReferralFilter(request.GET or None, queryset=qs)
    results = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = Paginator(results, settings.REFERRALS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/list.html",
        {
            "mine": mine,
            "filter": filterset,
            "page": page,
            "assignees": access.assignees(page.object_list),
            "query": query.urlencode(),
            "search_form": NameSearchForm(),
            "labels": LIST_LABELS,
        },
    )


@role_required(*CASE_ROLES)
def my_referrals(request):
    return _list(request, mine=True)


@role_required(roles.COORDINATOR)
def all_referrals(request):
    return _list(request, mine=False)


@role_required(*CASE_ROLES)
@require_POST
def search(request):
    """Search by name: POST only, the name is never echoed into a URL."""
    form = NameSearchForm(request.POST)
    people = selectors.people_named(form.cleaned_data["name"], request.user) if form.is_valid() else []
    return render(request, "referrals/search_results.html", {"form": form, "people": people})


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
@submitted_once
def intake(request):
    if not request.user.has_perm("referrals.add_referral"):
        raise Http404
    form = IntakeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        attach_to = form.attach_to  # a person already known, chosen by a coordinator among the matches
        referral = services.referral_intake(
            person=attach_to or form.person(),
            referral=form.referral(),
            exploitation_forms=form.cleaned_data["exploitation_forms"],
            by=request.user,
            possible_duplicate=False if attach_to else form.possible_duplicate,
        )
        if attach_to:
            messages.success(
                request,
                _("Referral recorded for %(code)s, a person already known.") % {"code": referral.person.case_code},
            )
        elif referral.possible_duplicate and not form.duplicates:
            messages.success(
                request,
                _("Referral %(code)s recorded. The coordinators will check whether she is already known.")
                % {"code": referral.person.case_code},
            )
        else:
            messages.success(request, _("Referral %(code)s recorded.") % {"code": referral.person.case_code})
        # An operator recording it has just been assigned to it: she sees it without asking the database.
        if request.user.is_operator or access.can_view(request.user, referral):
            return redirect("referrals:detail", referral.pk)
        return redirect("referrals:all")
    return render(request, "referrals/intake.html", {"form": form})


@role_required(*CASE_ROLES)
def detail(request, pk: int):
    # Whether she may change it comes with the record, in the same query (still decided by ceis.access).
    may_change = access.visible(Referral, request.user, action="change").filter(pk=OuterRef("pk"))
    qs = Referral.objects.select_related("person", "referring_body", "referring_contact").annotate(
        user_can_change=Exists(may_change),
        pending_closure=Subquery(approvals.pending_requests(Referral).values("pk")[:1]),
    )
    referral = access.get_visible(qs, request.user, pk=pk)
    record_viewed(referral)
    is_coordinator = request.user.is_coordinator or request.user.is_superuser
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "person": referral.person,
            "assignees": access.assignees([referral]).get(referral.pk, []),
            "can_change": referral.user_can_change,
            "can_assign": request.user.has_perm("referrals.assign_referral"),
            "assign_form": AssignForm() if request.user.has_perm("referrals.assign_referral") else None,
            "readers": record_readers(referral) if is_coordinator else None,
            "exploitation_forms": referral.exploitation_forms.all(),
            "can_attach": referral.user_can_change and services.may_attach(request.user),
        },
    )


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    referral = access.get_visible(Referral, request.user, action="change", pk=pk)
    form = ReferralForm(request.POST or None, instance=referral)
    if request.method == "POST" and form.is_valid():
        services.referral_update(form=form, by=request.user)
        messages.success(request, _("Referral saved."))
        return redirect("referrals:detail", referral.pk)
    return render(request, "referrals/edit.html", {"form": form, "referral": referral})


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
def close(request, pk: int):
    """A coordinator or an assigned operator closes the referral with the outcome of identification."""
    referral = access.get_visible(Referral.objects.select_related("person"), request.user, action="change", pk=pk)
    if not referral.is_open:
        messages.info(request, services.ALREADY_CLOSED)
        return redirect("referrals:detail", referral.pk)
    pending = approvals.pending_for(referral)
    if pending is not None:  # decided on the request's page (coordinators), or awaited (operators)
        messages.info(request, approvals.ALREADY_REQUESTED)
        return redirect(*pending_redirect(request.user, pending, "referrals:detail", referral.pk))
    approval = approvals.needs_approval(request.user)
    form = CloseForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if approval:
                approvals.closure_request(
                    record=referral,
                    outcome=data["outcome"],
                    receiving_body=data.get("receiving_body"),
                    note=data["closure_note"],
                    by=request.user,
                )
            else:
                services.referral_close(referral=referral, **data, by=request.user)
        except SharingRefused as exc:
            refusal = exc  # shown on the form, with the way to record her consent or a legal basis
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("referrals:detail", referral.pk)
        else:
            code = {"code": referral.person.case_code}
            if approval:
                messages.success(request, _("Closure of %(code)s requested: a coordinator will approve it.") % code)
            else:
                messages.success(request, _("Referral %(code)s closed.") % code)
            return redirect("referrals:detail", referral.pk)
    return render(
        request,
        "referrals/close.html",
        {"form": form, "referral": referral, "refusal": refusal, "approval": approval},
    )


@role_required(roles.COORDINATOR)
@require_http_methods(["GET", "POST"])
def attach(request, pk: int):
    """A coordinator attaches a referral to a person already known (after intake, or from a notification)."""
    referral = access.get_visible(Referral.objects.select_related("person"), request.user, action="change", pk=pk)
    if not services.may_attach(request.user):
        raise Http404
    matches = services.likely_matches(person=referral.person, user=request.user, exclude_pk=referral.person_id)
    form = AttachForm(
        request.POST if request.method == "POST" else None,
        matches=matches.visible,
        user=request.user,
        current=referral.person,
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = services.referral_attach(referral=referral, person=form.chosen, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("The referral now concerns %(code)s, a person already known.") % {"code": person.case_code}
            )
        return redirect("referrals:detail", referral.pk)
    if request.method == "GET":
        record_viewed(referral)
    return render(request, "referrals/attach.html", {"form": form, "referral": referral, "matches": matches})


@role_required(roles.COORDINATOR)
@require_POST
def assign(request, pk: int):
    referral = access.get_visible(Referral, request.user, action="change", pk=pk)
    if not request.user.has_perm("referrals.assign_referral"):
        raise Http404
    form = AssignForm(request.POST)
    if form.is_valid():
        operator = form.cleaned_data["operator"]
        if services.referral_assign(referral=referral, operator=operator, by=request.user):
            messages.success(request, _("%(name)s assigned.") % {"name": operator.get_full_name() or operator.username})
        else:
            messages.info(request, _("That operator was already assigned."))
    else:
        messages.error(request, _("Choose an active operator to assign."))
    return redirect("referrals:detail", referral.pk)


@role_required(roles.COORDINATOR)
@require_http_methods(["GET", "POST"])
def unassign(request, pk: int, user_pk: int):
    referral = access.get_visible(Referral.objects.select_related("person"), request.user, action="change", pk=pk)
    if not request.user.has_perm("referrals.assign_referral"):
        raise Http404
    operator = get_object_or_404(get_user_model(), pk=user_pk)
    if not access.is_assigned(referral, operator):
        raise Http404
    if request.method == "POST":
        services.referral_unassign(referral=referral, operator=operator, by=request.user)
        messages.success(
            request, _("%(name)s removed from the referral.") % {"name": operator.get_full_name() or operator.username}
        )
        return redirect("referrals:detail", referral.pk)
    return render(request, "referrals/unassign_confirm.html", {"referral": referral, "operator": operator})


def _alias_or_404(request, pk: int, view_name: str):
    """The link of a record merged into another leads to the record kept, if the reader may see it; else 404."""
    survivor = Person.objects.filter(pk=pk, merged_into__isnull=False).values_list("merged_into", flat=True).first()
    if survivor is None:
        raise Http404
    return redirect(view_name, access.get_visible(Person, request.user, pk=survivor).pk)


@role_required(*CASE_ROLES)
def person_detail(request, pk: int):
    try:
        person = access.get_visible(Person.objects.select_related("reception_centre"), request.user, pk=pk)
    except Http404:
        return _alias_or_404(request, pk, "referrals:person")
    record_viewed(person)
    referrals = list(selectors.referrals_of_person(person, request.user))
    is_coordinator = request.user.is_coordinator or request.user.is_superuser
    return render(
        request,
        "referrals/person_detail.html",
        {
            "person": person,
            "referrals": referrals,
            # the codes of records merged into hers: for coordinators only (to an operator, they would tell of
            # another record of the person's, whose referrals she may not see)
            "merged_codes": selectors.merged_codes(person) if is_coordinator else [],
            "undoable_merges": merging.undoable_merges(person) if is_coordinator else [],
            "can_merge": is_coordinator,
            "can_change": access.visible(Person, request.user, action="change").filter(pk=person.pk).exists(),
            "readers": record_readers(person) if request.user.is_coordinator else None,
        },
    )


@role_required(roles.COORDINATOR)
@require_http_methods(["GET", "POST"])
def person_merge(request, pk: int):
    """A coordinator names the other record of the same person; the next page shows both before anything moves."""
    person = access.get_visible(Person, request.user, action="change", pk=pk)
    form = MergeStartForm(request.POST or None, person=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        return redirect("referrals:person_merge_confirm", person.pk, form.other.pk)
    return render(request, "referrals/person_merge.html", {"form": form, "person": person})


def _already_merged(request, pk: int, other_pk: int):
    """A second submission of the same merge: the answer is the first one's (the record kept)."""
    done = (
        PersonMerge.objects.filter(
            undone_at__isnull=True, survivor_id__in=[pk, other_pk], absorbed_id__in=[pk, other_pk]
        )
        .order_by("-at")
        .first()
    )
    if done is None:
        raise Http404
    survivor = access.get_visible(Person, request.user, action="change", pk=done.survivor_id)
    messages.info(request, _("These records have already been merged into %(code)s.") % {"code": survivor.case_code})
    return redirect("referrals:person", survivor.pk)


@role_required(roles.COORDINATOR)
@require_http_methods(["GET", "POST"])
def person_merge_confirm(request, pk: int, other_pk: int):
    """Both records side by side (what each holds, her restriction or legal hold) and the case code to keep."""
    people = {p.pk: p for p in access.visible(Person, request.user, action="change").filter(pk__in=[pk, other_pk])}
    if pk == other_pk or len(people) != 2:
        return _already_merged(request, pk, other_pk)
    person, other = people[pk], people[other_pk]
    form = MergeConfirmForm(request.POST or None, people=(person, other))
    if request.method == "POST" and form.is_valid():
        survivor = people[form.cleaned_data["survivor"]]
        absorbed = other if survivor is person else person
        try:
            merging.merge_people(survivor=survivor, absorbed=absorbed, by=request.user)
        except merging.MergeRefused as exc:
            if Person.objects.filter(pk__in=[pk, other_pk], merged_into__in=[pk, other_pk]).exists():
                return _already_merged(request, pk, other_pk)  # the same form, sent twice at once
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(absorbed)s merged into %(survivor)s. You can undo this today from this page.")
                % {"absorbed": absorbed.case_code, "survivor": survivor.case_code},
            )
            return redirect("referrals:person", survivor.pk)
    record_viewed(person)
    record_viewed(other)
    sides = [merging.side(person), merging.side(other)]
    return render(
        request,
        "referrals/person_merge_confirm.html",
        {"form": form, "person": person, "other": other, "sides": sides, "flags": any(s.flags for s in sides)},
    )


@role_required(roles.COORDINATOR)
@require_http_methods(["GET", "POST"])
def merge_undo(request, pk: int):
    """Undo a merge made today: exactly what moved goes back, and both case codes are records again."""
    merge = _visible_merge(request, pk)
    refusal = merging.undo_refusal(merge)
    if refusal:
        messages.error(request, refusal)
        return redirect("referrals:person", merge.survivor_id)
    if request.method == "POST":
        try:
            merging.merge_undo(merge=merge, by=request.user)
        except merging.MergeRefused as exc:
            messages.error(request, str(exc))
            return redirect("referrals:person", merge.survivor_id)
        messages.success(
            request,
            _("The merge is undone: %(absorbed)s and %(survivor)s are separate records again.")
            % {"absorbed": merge.absorbed.case_code, "survivor": merge.survivor.case_code},
        )
        return redirect("referrals:person", merge.absorbed_id)
    return render(request, "referrals/merge_undo.html", {"merge": merge})


def _visible_merge(request, pk: int) -> PersonMerge:
    """A merge is reached through the record kept (or the one it has since been merged into), as the user sees it."""
    kept = access.visible(Person, request.user, action="change")
    try:
        return PersonMerge.objects.select_related("survivor", "absorbed").get(
            Q(survivor__in=kept) | Q(survivor__merged_into__in=kept), pk=pk
        )
    except PersonMerge.DoesNotExist as exc:
        raise Http404 from exc


@role_required(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    try:
        person = access.get_visible(Person, request.user, action="change", pk=pk)
    except Http404:
        return _alias_or_404(request, pk, "referrals:person_edit")
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            services.person_update(form=form, by=request.user)
        messages.success(request, _("Person saved."))
        return redirect("referrals:person", person.pk)
    return render(request, "referrals/person_edit.html", {"form": form, "person": person})
