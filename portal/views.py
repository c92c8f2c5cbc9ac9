"""The referral portal: a partner body's staff submit referrals and follow their status, nothing more."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ceis.accounts import roles
from ceis.accounts.decorators import role_required
from ceis.audit.services import record_viewed
from referrals.models import Referral

from . import selectors, services
from .forms import PortalReferralForm

partners_only = role_required(roles.PARTNER)


def _labelled(rows):
    for row in rows:
        row["status_label"] = selectors.PortalStatus.LABELS[row["portal_status"]]
    return rows


@partners_only
@require_GET
def home(request):
    """The referrals the user's body sent through the portal: case code, date received, status."""
    page = Paginator(selectors.portal_referrals(request.user), settings.REFERRALS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _labelled(page.object_list)
    return render(request, "portal/home.html", {"page": page, "body": request.user.partner_body, "query": ""})


@partners_only
@require_http_methods(["GET", "POST"])
def submit(request):
    form = PortalReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.submit_referral(request.user, form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Thank you: your referral has been received."))
            return redirect("portal:receipt", referral.pk)
    return render(request, "portal/submit.html", {"form": form})


@partners_only
@require_GET
def receipt(request, pk: int):
    """The receipt of one of the body's referrals: its case code and when it was received, never its content."""
    row = selectors.portal_referral(request.user, pk)
    # Audited as a read of the referral, like every case page (the coordinators see who read it); only the
    # columns of the entry's label are loaded.
    record_viewed(Referral.objects.select_related("person").only("received_at", "person__case_code").get(pk=row["pk"]))
    return render(request, "portal/receipt.html", {"row": _labelled([row])[0]})
