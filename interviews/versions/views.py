"""Catalogue versions (admins): template, import with preview, verification checklist, publish, retire, export.

Managed by admins, who keep the service's reference data and hold no case permission: nothing here reads an
interview or a person. Every write is a service of ``interviews.versions.services``, audited with its actor.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ceis.accounts.decorators import permissions_or_404
from ceis.submissions.decorators import submitted_once

from ..models import CatalogueVersion
from . import io, selectors, services
from .forms import ChecklistForm, ImportForm

VIEW = "interviews.view_indicator"
CHANGE = "interviews.change_indicator"
ADD = "interviews.add_indicator"
CONTENT_TYPES = {
    io.CSV: "text/csv; charset=utf-8",
    io.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
WRITERS = {io.CSV: io.to_csv, io.XLSX: io.to_xlsx}


def _file(data: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _version(pk: int) -> CatalogueVersion:
    return get_object_or_404(CatalogueVersion.objects.select_related("loaded_by", "verified_by"), pk=pk)


@permissions_or_404(VIEW, CHANGE)
def version_list(request):
    versions = CatalogueVersion.objects.select_related("loaded_by", "verified_by").order_by(
        "kind", "audience", "exploitation", "code", "-loaded_at", "-pk"
    )
    return render(request, "interviews/versions/list.html", {"versions": versions})


@permissions_or_404(VIEW, CHANGE)
def template_download(request, fmt: str):
    if fmt not in WRITERS:
        raise Http404
    if request.GET.get("kind") == io.CHECKLIST:
        return _file(WRITERS[fmt]([], io.CHECKLIST), fmt, "checklist-template")
    return _file(WRITERS[fmt]([]), fmt, "indicator-list-template")


@permissions_or_404(VIEW, CHANGE)
def version_export(request, pk: int, fmt: str):
    if fmt not in WRITERS:
        raise Http404
    version = _version(pk)
    name = f"{version.list_key}-{version.pk}"
    return _file(WRITERS[fmt](io.rows_of(version), version.kind), fmt, name)


@permissions_or_404(VIEW, CHANGE, ADD)
@require_http_methods(["GET", "POST"])
@submitted_once
def version_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.version_import(**form.names(), meta=form.meta(), rows=form.parsed.rows, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return render(request, "interviews/versions/import.html", {"form": form})
        messages.success(request, _("Draft loaded: check the counts and the differences, then publish it."))
        return redirect("catalogue:version", version.pk)
    return render(request, "interviews/versions/import.html", {"form": form})


@permissions_or_404(VIEW, CHANGE)
def version_detail(request, pk: int):
    version = _version(pk)
    current = selectors.in_use_of(version)
    checklist = ChecklistForm(version=version)
    return render(
        request,
        "interviews/versions/detail.html",
        {
            "version": version,
            "counts": selectors.counts(version),
            "sections": selectors.section_counts(version) if version.is_checklist else [],
            "current": current,
            "diff": selectors.diff(version, current),
            "checklist": checklist,
            "unchecked": sum(1 for i in checklist.indicators if not i.checked),
        },
    )


def _act(request, pk: int, service, done: str):
    version = _version(pk)
    try:
        result = service(version=version, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("catalogue:version", version.pk)
    messages.success(request, done)
    return redirect("catalogue:version", getattr(result, "pk", version.pk))


@permissions_or_404(VIEW, CHANGE)
@require_POST
def version_publish(request, pk: int):
    return _act(request, pk, services.version_publish, _("Published: new interviews use this version."))


@permissions_or_404(VIEW, CHANGE)
@require_POST
def version_retire(request, pk: int):
    return _act(request, pk, services.version_retire, _("Retired: interviews already held keep it."))


@permissions_or_404(VIEW, CHANGE, ADD)
@require_POST
@submitted_once
def version_correct(request, pk: int):
    return _act(
        request,
        pk,
        services.version_start_correction,
        _("Draft correction started: edit it on the catalogue page or export, fix and import it."),
    )


@permissions_or_404(VIEW, CHANGE)
@require_POST
def version_discard(request, pk: int):
    version = _version(pk)
    try:
        services.version_delete_draft(version=version, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("catalogue:version", version.pk)
    messages.success(request, _("Draft discarded."))
    return redirect("catalogue:versions")


@permissions_or_404(VIEW, CHANGE)
@require_POST
def version_check(request, pk: int):
    version = _version(pk)
    form = ChecklistForm(request.POST, version=version)
    form.is_valid()
    try:
        services.indicators_check(version=version, checked=form.checked(), by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Ticks saved."))
    return redirect("catalogue:version", version.pk)


@permissions_or_404(VIEW, CHANGE)
@require_POST
def version_verify(request, pk: int):
    return _act(request, pk, services.version_verify, _("Recorded as verified against the source."))
