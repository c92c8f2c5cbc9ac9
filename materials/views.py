"""The materials library: everyone in the service browses it and downloads its files; coordinators and admins
add, change and deactivate materials. Admins keep the list of languages.

Files are served only by ``material_download``, after the permission check, as attachments: there is no
URL under which MEDIA_ROOT is published.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from ceis.accounts.decorators import permissions_or_404
from ceis.submissions.decorators import submitted_once

from . import selectors, services
from .forms import LanguageFilterForm, LanguageForm, MaterialFilterForm, MaterialForm
from .models import Language, Material
from .uploads import ALLOWED_TYPES, TYPE_LABELS, SizeLimitUploadHandler, max_upload_bytes

PAGE_SIZE = 25

VIEW = "materials.view_material"
ADD = "materials.add_material"
CHANGE = "materials.change_material"
VIEW_LANGUAGE = "materials.view_language"
ADD_LANGUAGE = "materials.add_language"
CHANGE_LANGUAGE = "materials.change_language"


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _already(request, name: str, *, active: bool) -> None:
    if active:
        messages.info(request, _("%(name)s is already active.") % {"name": name})
    else:
        messages.info(request, _("%(name)s is already inactive.") % {"name": name})


def _set_active_message(request, name: str, *, active: bool) -> None:
    if active:
        messages.success(request, _("%(name)s reactivated.") % {"name": name})
    else:
        messages.success(request, _("%(name)s deactivated.") % {"name": name})


def upload_size_limited(view):
    """Put a size limit on the upload before Django reads the request body, so that an oversized file is
    dropped as it arrives rather than kept whole. Changing the upload handlers must happen before the CSRF
    check reads the body, so the check is done here, inside, right after (as Django's documentation shows)."""
    protected = csrf_protect(view)

    @wraps(view)
    @csrf_exempt
    def wrapper(request, *args, **kwargs):
        limit = SizeLimitUploadHandler(request, max_bytes=max_upload_bytes())
        request.upload_handlers.insert(0, limit)
        return protected(request, *args, upload_limit=limit, **kwargs)

    return wrapper


# The library -----------------------------------------------------------------------------------------------


@permissions_or_404(VIEW)
@require_safe
def material_list(request):
    can_manage = selectors.can_manage_materials(request.user)
    form = MaterialFilterForm(request.GET or None, can_manage=can_manage)
    rows = selectors.materials(user=request.user, **form.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for material in page.object_list:
        material.type_label = TYPE_LABELS.get(material.file_type, material.file_type)
    return render(
        request,
        "materials/list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "can_add": request.user.has_perm(ADD),
            "can_manage": can_manage,
            "can_manage_languages": request.user.has_perm(CHANGE_LANGUAGE),
        },
    )


@permissions_or_404(VIEW)
@require_safe
def material_detail(request, pk: int):
    material = selectors.material_for(request.user, pk)
    return render(
        request,
        "materials/detail.html",
        {
            "material": material,
            "type_label": TYPE_LABELS.get(material.file_type, material.file_type),
            # Only a secure web address becomes a link, whatever reached the database by other ways.
            "link": material.url if material.url.lower().startswith("https://") else "",
            "can_manage": selectors.can_manage_materials(request.user),
        },
    )


def _material_form(request, material: Material | None, upload_limit: SizeLimitUploadHandler):
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None  # read the body first: it sets the flag below
    form = MaterialForm(data, files, instance=material, file_too_large=upload_limit.refused)
    if request.method == "POST" and form.is_valid():
        lists = {"languages": form.cleaned_data["languages"], "topics": form.cleaned_data["topics"]}
        try:
            if material is None:
                saved = services.material_create(data=form.service_data(), upload=form.upload, by=request.user, **lists)
            else:
                saved = services.material_update(
                    material=material,
                    data=form.service_data(),
                    upload=form.upload,
                    remove_file=form.cleaned_data.get("remove_file", False),
                    by=request.user,
                    **lists,
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if material is None:
                messages.success(request, _("Material %(title)s added.") % {"title": saved.title})
            else:
                messages.success(request, _("Material saved."))
            return redirect("materials:detail", saved.pk)
    return render(request, "materials/form.html", {"form": form, "material": material})


@permissions_or_404(VIEW, ADD)
@require_http_methods(["GET", "POST"])
@upload_size_limited
@submitted_once
def material_create(request, *, upload_limit):
    return _material_form(request, None, upload_limit)


@permissions_or_404(VIEW, CHANGE)
@require_http_methods(["GET", "POST"])
@upload_size_limited
def material_edit(request, pk: int, *, upload_limit):
    material = get_object_or_404(Material, pk=pk)
    return _material_form(request, material, upload_limit)


def _material_set_active(request, pk: int, *, active: bool):
    material = get_object_or_404(Material, pk=pk)
    if material.active == active:
        _already(request, material.title, active=active)
        return redirect("materials:detail", material.pk)
    if request.method == "POST":
        services.material_set_active(material=material, active=active, by=request.user)
        _set_active_message(request, material.title, active=active)
        return redirect("materials:detail", material.pk)
    return render(request, "materials/confirm_active.html", {"material": material, "active": active})


@permissions_or_404(VIEW, CHANGE)
@require_http_methods(["GET", "POST"])
def material_deactivate(request, pk: int):
    return _material_set_active(request, pk, active=False)


@permissions_or_404(VIEW, CHANGE)
@require_http_methods(["GET", "POST"])
def material_reactivate(request, pk: int):
    return _material_set_active(request, pk, active=True)


def download_name(material: Material) -> str:
    """The title, never the uploader's file name (it may name a person), with the extension of the content."""
    stem = slugify(material.title)[:80].strip("-") or slugify(material.title, allow_unicode=True)[:80].strip("-")
    stem = stem or "material"
    return f"{stem}.{ALLOWED_TYPES.get(material.file_type, 'bin')}"


@permissions_or_404(VIEW)
@require_safe
def material_download(request, pk: int):
    material = selectors.material_for(request.user, pk)
    if not material.file:
        raise Http404
    try:
        handle = material.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(material),
        content_type=material.file_type if material.file_type in ALLOWED_TYPES else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# Languages (admins) ----------------------------------------------------------------------------------------


@permissions_or_404(VIEW_LANGUAGE, CHANGE_LANGUAGE)
@require_safe
def language_list(request):
    form = LanguageFilterForm(request.GET or None)
    page = Paginator(selectors.languages(**form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "materials/language_list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "can_add": request.user.has_perm(ADD_LANGUAGE),
        },
    )


def _language_form(request, language: Language | None):
    title = language.name if language else ""  # validating the form writes the posted values onto ``language``
    form = LanguageForm(request.POST or None, instance=language)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in services.LANGUAGE_FIELDS}
        try:
            if language is None:
                saved = services.language_create(data=data, by=request.user)
            else:
                saved = services.language_update(language=language, data=data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Language %(name)s saved.") % {"name": saved.name})
            return redirect("materials:languages")
    return render(request, "materials/language_form.html", {"form": form, "language": language, "title": title})


@permissions_or_404(VIEW_LANGUAGE, ADD_LANGUAGE)
@require_http_methods(["GET", "POST"])
@submitted_once
def language_create(request):
    return _language_form(request, None)


@permissions_or_404(VIEW_LANGUAGE, CHANGE_LANGUAGE)
@require_http_methods(["GET", "POST"])
def language_edit(request, pk: int):
    return _language_form(request, get_object_or_404(Language, pk=pk))


def _language_set_active(request, pk: int, *, active: bool):
    language = get_object_or_404(Language, pk=pk)
    if language.active == active:
        _already(request, language.name, active=active)
        return redirect("materials:languages")
    if request.method == "POST":
        services.language_set_active(language=language, active=active, by=request.user)
        _set_active_message(request, language.name, active=active)
        return redirect("materials:languages")
    return render(request, "materials/language_confirm_active.html", {"language": language, "active": active})


@permissions_or_404(VIEW_LANGUAGE, CHANGE_LANGUAGE)
@require_http_methods(["GET", "POST"])
def language_deactivate(request, pk: int):
    return _language_set_active(request, pk, active=False)


@permissions_or_404(VIEW_LANGUAGE, CHANGE_LANGUAGE)
@require_http_methods(["GET", "POST"])
def language_reactivate(request, pk: int):
    return _language_set_active(request, pk, active=True)
