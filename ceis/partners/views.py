"""Partner bodies: everyone in the service reads them; only admins add, change and deactivate them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ceis.accounts.decorators import permissions_or_404
from ceis.submissions.decorators import submitted_once

from . import selectors, services
from .forms import BodyFilterForm, PartnerBodyForm, PartnerContactForm
from .models import PartnerBody, PartnerContact

PAGE_SIZE = 25

VIEW = "partners.view_partnerbody"
ADD = "partners.add_partnerbody"
CHANGE = "partners.change_partnerbody"
ADD_CONTACT = "partners.add_partnercontact"
CHANGE_CONTACT = "partners.change_partnercontact"


def _can_manage(user) -> bool:
    return user.has_perm(CHANGE)


@permissions_or_404(VIEW)
def body_list(request):
    form = BodyFilterForm(request.GET or None)
    bodies = selectors.partner_bodies(**form.filters())
    page = Paginator(bodies, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partners/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_add": request.user.has_perm(ADD),
        },
    )


@permissions_or_404(VIEW)
def body_detail(request, pk: int):
    body = get_object_or_404(PartnerBody, pk=pk)
    contacts = selectors.contacts_of(body) if request.user.has_perm("partners.view_partnercontact") else None
    return render(
        request,
        "partners/detail.html",
        {"body": body, "contacts": contacts, "can_manage": _can_manage(request.user)},
    )


@permissions_or_404(VIEW, ADD)
@require_http_methods(["GET", "POST"])
@submitted_once
def body_create(request):
    form = PartnerBodyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            body = services.partner_body_create(data=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Partner body %(name)s added.") % {"name": body.name})
            return redirect("partners:detail", body.pk)
    return render(request, "partners/body_form.html", {"form": form, "body": None})


@permissions_or_404(VIEW, CHANGE)
@require_http_methods(["GET", "POST"])
def body_edit(request, pk: int):
    body = get_object_or_404(PartnerBody, pk=pk)
    title = body.name  # validating the form writes the posted values onto ``body``
    form = PartnerBodyForm(request.POST or None, instance=body)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_body_update(body=body, data=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Partner body saved."))
            return redirect("partners:detail", body.pk)
    return render(request, "partners/body_form.html", {"form": form, "body": body, "title": title})


def _already(request, name: str, *, active: bool) -> None:
    if active:
        messages.info(request, _("%(name)s is already active.") % {"name": name})
    else:
        messages.info(request, _("%(name)s is already inactive.") % {"name": name})


def _body_set_active(request, pk: int, *, active: bool):
    body = get_object_or_404(PartnerBody, pk=pk)
    if body.active == active:
        _already(request, body.name, active=active)
        return redirect("partners:detail", body.pk)
    if request.method == "POST":
        services.partner_body_set_active(body=body, active=active, by=request.user)
        if active:
            messages.success(request, _("%(name)s reactivated.") % {"name": body.name})
        else:
            messages.success(request, _("%(name)s deactivated.") % {"name": body.name})
        return redirect("partners:detail", body.pk)
    return render(request, "partners/body_confirm_active.html", {"body": body, "active": active})


@permissions_or_404(VIEW, CHANGE)
@require_http_methods(["GET", "POST"])
def body_deactivate(request, pk: int):
    return _body_set_active(request, pk, active=False)


@permissions_or_404(VIEW, CHANGE)
@require_http_methods(["GET", "POST"])
def body_reactivate(request, pk: int):
    return _body_set_active(request, pk, active=True)


def _contact_form(request, body: PartnerBody, contact: PartnerContact | None):
    form = PartnerContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_contact_save(body=body, contact=contact, data=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Contact person saved."))
            return redirect("partners:detail", body.pk)
    return render(request, "partners/contact_form.html", {"form": form, "body": body, "contact": contact})


@permissions_or_404(VIEW, CHANGE, ADD_CONTACT)
@require_http_methods(["GET", "POST"])
@submitted_once
def contact_create(request, pk: int):
    return _contact_form(request, get_object_or_404(PartnerBody, pk=pk), None)


@permissions_or_404(VIEW, CHANGE, CHANGE_CONTACT)
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk: int, contact_pk: int):
    body = get_object_or_404(PartnerBody, pk=pk)
    return _contact_form(request, body, get_object_or_404(body.contacts, pk=contact_pk))


def _contact_set_active(request, pk: int, contact_pk: int, *, active: bool):
    body = get_object_or_404(PartnerBody, pk=pk)
    contact = get_object_or_404(body.contacts, pk=contact_pk)
    if contact.active == active:
        _already(request, contact.name, active=active)
        return redirect("partners:detail", body.pk)
    if request.method == "POST":
        services.partner_contact_set_active(contact=contact, active=active, by=request.user)
        if active:
            messages.success(request, _("%(name)s reactivated.") % {"name": contact.name})
        else:
            messages.success(request, _("%(name)s deactivated.") % {"name": contact.name})
        return redirect("partners:detail", body.pk)
    return render(request, "partners/contact_confirm_active.html", {"body": body, "contact": contact, "active": active})


@permissions_or_404(VIEW, CHANGE, CHANGE_CONTACT)
@require_http_methods(["GET", "POST"])
def contact_deactivate(request, pk: int, contact_pk: int):
    return _contact_set_active(request, pk, contact_pk, active=False)


@permissions_or_404(VIEW, CHANGE, CHANGE_CONTACT)
@require_http_methods(["GET", "POST"])
def contact_reactivate(request, pk: int, contact_pk: int):
    return _contact_set_active(request, pk, contact_pk, active=True)
