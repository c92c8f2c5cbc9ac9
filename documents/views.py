"""Case documents: add one to a person, referral, interview or pathway; download one.

The record is fetched through ``ceis.access`` (404 when the user may not see it); adding needs change access to
it. Files are served only by ``download``, as attachments, each read written to the audit log.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ceis.accounts import roles
from ceis.accounts.decorators import role_required
from ceis.submissions.decorators import submitted_once
from ceis.uploads import size_limited

from . import selectors, services
from .forms import DocumentForm, max_upload_bytes

CASE_ROLES = (roles.OPERATOR, roles.COORDINATOR)


_PAGES = {
    "person": "referrals:person",
    "referral": "referrals:detail",
    "interview": "interviews:detail",
    "pathway": "protection:detail",
}


def _back(record) -> str:
    return reverse(_PAGES[selectors.attach_name(record)], args=[record.pk])


@role_required(*CASE_ROLES)
@size_limited(max_upload_bytes)
@require_http_methods(["GET", "POST"])
@submitted_once
def add(request, attach: str, pk: int, *, upload_limit):
    record = selectors.attachable_get(request.user, attach, pk, action="change")
    form = DocumentForm(request.POST or None, request.FILES or None, file_too_large=upload_limit.refused)
    if request.method == "POST" and form.is_valid():
        services.document_add(
            record=record,
            file=form.checked,
            kind=form.cleaned_data["kind"],
            date=form.cleaned_data["date"],
            description=form.cleaned_data["description"],
            by=request.user,
            submission=form.cleaned_data["submission"],
        )
        messages.success(request, _("Document added."))
        return redirect(_back(record))
    return render(request, "documents/add.html", {"form": form, "record": record, "back": _back(record)})


@role_required(*CASE_ROLES)
def download(request, pk: int):
    document = selectors.document_get(request.user, pk)
    if document.erased:
        raise Http404
    if request.method not in ("GET", "HEAD"):  # after the access check: a stranger gets 404, not 405
        return HttpResponseNotAllowed(["GET", "HEAD"])
    data = services.document_file(document)
    response = HttpResponse(data, content_type=document.file_type)
    # The case code and the kind, never the uploader's file name (it may name the person).
    name = f"{document.person.case_code}-{document.kind}-{document.date:%Y-%m-%d}.{document.extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
