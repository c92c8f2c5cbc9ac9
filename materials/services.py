"""Writes on the materials library and the languages list. Each service is one transaction.

Materials are audited by django-auditlog (registered with their languages and topics), with ``by`` as the
actor. Materials and languages are never deleted: sessions and attendance rows point at them, so they are
deactivated instead. A material has exactly one of an uploaded file or a link.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from ceis.audit.services import acting_as
from ceis.uploads import CheckedFile

from .models import Language, Material, Topic
from .selectors import language_code_taken

MATERIAL_FIELDS = ("title", "kind", "description", "url")
LANGUAGE_FIELDS = ("code", "name_it", "name_en")

FILE_OR_LINK = _("Upload a file or give a link: a material needs one of them.")
NOT_BOTH = _("A material has either a file or a link, not both. Remove the file, or leave the link empty.")
NO_LANGUAGE = _("Choose at least one language.")
HTTPS_ONLY = _("Give a secure web address starting with https:// (for example a video on a video site).")
CODE_TAKEN = _("A language with this code already exists.")

https_link = URLValidator(schemes=["https"], message=HTTPS_ONLY, code="https_only")


def _apply(instance, data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    for field, value in data.items():
        setattr(instance, field, value)


def _check_material(material: Material, *, languages: list[Language], has_file: bool) -> None:
    errors: dict[str, list] = {}
    try:
        material.full_clean(exclude=["file", "created_by"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if material.url:
        try:
            https_link(material.url)
        except ValidationError as exc:
            errors.setdefault("url", []).extend(exc.messages)
    if has_file and material.url:
        errors.setdefault("__all__", []).append(NOT_BOTH)
    elif not has_file and not material.url:
        errors.setdefault("__all__", []).append(FILE_OR_LINK)
    if not languages:
        errors.setdefault("languages", []).append(NO_LANGUAGE)
    if errors:
        raise ValidationError(errors)


def _store(material: Material, upload: CheckedFile) -> None:
    """Write the file under a random name (``upload_to``) and record what it is."""
    material.file.save("upload", ContentFile(upload.data), save=False)
    material.file_type = upload.mime
    material.file_size = upload.size


def _forget_on_failure(material: Material, written: str | None) -> None:
    if written:
        material.file.storage.delete(written)


def _delete_after_commit(storage, name: str) -> None:
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def material_create(
    *,
    data: Mapping[str, Any],
    languages: Iterable[Language],
    topics: Iterable[Topic] = (),
    upload: CheckedFile | None = None,
    by,
) -> Material:
    """Add a material to the library, with a file that passed ``uploads.check_upload`` or with a link."""
    material = Material(active=True, created_by=by)
    _apply(material, data, MATERIAL_FIELDS)
    languages = list(languages)
    _check_material(material, languages=languages, has_file=upload is not None)
    written = None
    try:
        if upload is not None:
            _store(material, upload)
            written = material.file.name
        with acting_as(by):
            material.save()
            material.languages.set(languages)
            material.topics.set(list(topics))
    except BaseException:
        _forget_on_failure(material, written)
        raise
    return material


@transaction.atomic
def material_update(
    *,
    material: Material,
    data: Mapping[str, Any],
    languages: Iterable[Language],
    topics: Iterable[Topic] = (),
    upload: CheckedFile | None = None,
    remove_file: bool = False,
    by,
) -> Material:
    """Change a material. A new ``upload`` replaces its file; ``remove_file`` drops it (to use a link instead).
    The replaced file is deleted from storage once the change is committed."""
    current = Material.objects.select_for_update().get(pk=material.pk)
    _apply(current, data, MATERIAL_FIELDS)
    languages = list(languages)
    old_name = current.file.name or ""
    keeps_file = bool(old_name) and not remove_file and upload is None
    _check_material(current, languages=languages, has_file=upload is not None or keeps_file)
    written = None
    try:
        if upload is not None:
            _store(current, upload)
            written = current.file.name
        elif remove_file and old_name:
            current.file = ""
            current.file_type = ""
            current.file_size = None
        with acting_as(by):
            current.save()
            current.languages.set(languages)
            current.topics.set(list(topics))
    except BaseException:
        _forget_on_failure(current, written)
        raise
    if old_name and current.file.name != old_name:
        _delete_after_commit(current.file.storage, old_name)
    return current


@transaction.atomic
def material_set_active(*, material: Material, active: bool, by) -> bool:
    """Deactivate or reactivate a material; False when it already was. An inactive material leaves the library
    operators browse and is no longer offered for new sessions; sessions that used it keep it."""
    current = Material.objects.select_for_update().get(pk=material.pk)
    if current.active == active:
        material.active = active
        return False
    current.active = active
    with acting_as(by):
        current.save(update_fields=["active"])
    material.active = active
    return True


def _save_language(language: Language) -> Language:
    language.code = language.code.strip().lower()
    if language_code_taken(language.code, exclude_pk=language.pk):
        raise ValidationError({"code": CODE_TAKEN})
    language.full_clean()
    try:
        with transaction.atomic():
            language.save()
    except IntegrityError as exc:
        if language_code_taken(language.code, exclude_pk=language.pk):
            raise ValidationError({"code": CODE_TAKEN}) from exc
        raise
    return language


@transaction.atomic
def language_create(*, data: Mapping[str, Any], by) -> Language:
    language = Language(active=True)
    _apply(language, data, LANGUAGE_FIELDS)
    with acting_as(by):
        return _save_language(language)


@transaction.atomic
def language_update(*, language: Language, data: Mapping[str, Any], by) -> Language:
    current = Language.objects.select_for_update().get(pk=language.pk)
    _apply(current, data, LANGUAGE_FIELDS)
    with acting_as(by):
        return _save_language(current)


@transaction.atomic
def language_set_active(*, language: Language, active: bool, by) -> bool:
    """Deactivate or reactivate a language; False when it already was. An inactive language is no longer
    offered for new materials and sessions; records that name it keep it."""
    current = Language.objects.select_for_update().get(pk=language.pk)
    if current.active == active:
        language.active = active
        return False
    current.active = active
    with acting_as(by):
        current.save(update_fields=["active"])
    language.active = active
    return True
