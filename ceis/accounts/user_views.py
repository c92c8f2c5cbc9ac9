"""The accounts area: admins list, create and change accounts. It shows no case content at all."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ceis.submissions.decorators import submitted_once

from . import lockout, roles, selectors, services
from .decorators import role_required
from .forms import ROLE_CHOICES, UserFilterForm, UserForm

PAGE_SIZE = 25
admins_only = role_required(roles.ADMIN)


@admins_only
def user_list(request):
    form = UserFilterForm(request.GET or None)
    page = Paginator(selectors.users_list(**form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(ROLE_CHOICES)
    for user in page.object_list:
        user.role_labels = [labels.get(g.name, g.name) for g in user.groups.all()]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/user_list.html", {"form": form, "page": page, "query": query.urlencode()})


def _save(request, form, user=None):
    fields = ("first_name", "last_name", "email", "language", "role", "sex", "partner_body")
    data = {k: form.cleaned_data[k] for k in fields}
    try:
        if user is None:
            return services.user_create(username=form.cleaned_data["username"], by=request.user, **data)
        return services.user_update(user=user, by=request.user, **data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


@admins_only
@require_http_methods(["GET", "POST"])
@submitted_once
def user_create(request):
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = _save(request, form)
        if user is not None:
            messages.success(
                request,
                _("Account %(username)s created: a link to choose the password has been sent to %(email)s.")
                % {"username": user.username, "email": user.email},
            )
            return redirect("users:list")
    return render(request, "accounts/user_form.html", {"form": form, "account": None})


@admins_only
@require_http_methods(["GET", "POST"])
def user_edit(request, pk: int):
    account = get_object_or_404(get_user_model(), pk=pk)
    form = UserForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        if _save(request, form, account) is not None:
            messages.success(request, _("Account %(username)s saved.") % {"username": account.username})
            return redirect("users:list")
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "account": account,
            "locked": lockout.is_locked(account.username),
            "has_password": account.has_usable_password(),
        },
    )


def _confirm(request, pk: int, *, action: str):
    account = get_object_or_404(get_user_model(), pk=pk)
    if (action == "reactivate") == account.is_active:
        return redirect("users:edit", account.pk)
    error = None
    if request.method == "POST":
        try:
            if action == "send_link":
                services.user_send_set_password_link(user=account, by=request.user)
            elif action == "reset_two_factor":
                services.user_reset_two_factor(user=account, by=request.user)
            else:
                services.user_set_active(user=account, active=action == "reactivate", by=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            done = {
                "deactivate": _("Account %(username)s deactivated: its sessions have ended."),
                "reactivate": _("Account %(username)s reactivated."),
                "reset_two_factor": _("Two-factor authentication of %(username)s reset."),
                "send_link": _("A new link to choose the password has been sent to %(username)s."),
            }[action]
            messages.success(request, done % {"username": account.username})
            return redirect("users:edit", account.pk)
    return render(request, "accounts/user_confirm.html", {"account": account, "action": action, "error": error})


@admins_only
@require_http_methods(["GET", "POST"])
def user_deactivate(request, pk: int):
    return _confirm(request, pk, action="deactivate")


@admins_only
@require_http_methods(["GET", "POST"])
def user_reactivate(request, pk: int):
    return _confirm(request, pk, action="reactivate")


@admins_only
@require_http_methods(["GET", "POST"])
def user_send_link(request, pk: int):
    return _confirm(request, pk, action="send_link")


@admins_only
@require_http_methods(["GET", "POST"])
def user_reset_two_factor(request, pk: int):
    return _confirm(request, pk, action="reset_two_factor")


@admins_only
@require_POST
def user_unlock(request, pk: int):
    account = get_object_or_404(get_user_model(), pk=pk)
    lockout.unlock(account.username)
    messages.success(request, _("Account %(username)s unlocked.") % {"username": account.username})
    return redirect("users:edit", account.pk)
