"""Writes on catalogue versions: import a draft, start a correction, tick and verify, publish, retire.

Each is one transaction, audited by django-auditlog with ``by`` as the actor (the version's creation is the
import, its status changes the publish and the retire). Indicators of a version in use or retired are never
edited in place: a correction is a new draft, and publishing it retires the version it replaces in the same step.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceis.audit.services import acting_as

from ..models import CatalogueVersion, Indicator
from .io import Row
from .selectors import same_list

NOT_DRAFT = _("Only a draft can be published.")
NOT_ALL_CHECKED = _("Tick every indicator against the source before recording the verification.")
ALREADY_VERIFIED = _("This version is already verified.")

META_FIELDS = ("kind", "name", "label", "source_title", "source_publisher", "source_year", "source_pages", "notes")


def _indicators(version: CatalogueVersion, rows: Iterable[Row]) -> list[Indicator]:
    return [
        Indicator(
            version=version,
            audience=version.audience,
            exploitation=version.exploitation,
            code=r.code,
            dimension=r.dimension,
            strength=r.strength,
            position=r.position,
            text_en=r.text_en,
            text_it=r.text_it,
            section=r.section,
        )
        for r in rows
    ]


@transaction.atomic
def version_import(
    *, audience: str = "", exploitation: str = "", code: str = "", meta: dict[str, Any], rows: list[Row], by
) -> CatalogueVersion:
    """A new draft of a list holding exactly these rows (already validated by ``io.parse``).

    An ILO/EU list is named by ``audience`` and ``exploitation``; a checklist (``meta["kind"]``) by ``code``."""
    unknown = set(meta) - set(META_FIELDS)
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    version = CatalogueVersion(audience=audience, exploitation=exploitation, code=code, loaded_by=by, **meta)
    version.full_clean()
    with acting_as(by):
        version.save()
    Indicator.objects.bulk_create(_indicators(version, rows))  # the version's own creation is the audit row
    return version


@transaction.atomic
def version_start_correction(*, version: CatalogueVersion, by) -> CatalogueVersion:
    """A draft copy of a published version, to correct on the catalogue pages and publish in one step."""
    meta = {f: getattr(version, f) for f in META_FIELDS}
    meta["label"] = str(_("correction of %(label)s")) % {"label": version.label}
    draft = CatalogueVersion(
        audience=version.audience,
        exploitation=version.exploitation,
        code=version.code,
        expected_counts=version.expected_counts,
        loaded_by=by,
        **meta,
    )
    draft.label = draft.label[:200]
    with acting_as(by):
        draft.save()
    Indicator.objects.bulk_create(
        [
            Indicator(
                version=draft,
                audience=i.audience,
                exploitation=i.exploitation,
                code=i.code,
                dimension=i.dimension,
                strength=i.strength,
                position=i.position,
                text_en=i.text_en,
                text_it=i.text_it,
                section=i.section,
                active=i.active,
            )
            for i in version.indicators.all()
        ]
    )
    return draft


@transaction.atomic
def version_publish(*, version: CatalogueVersion, by) -> CatalogueVersion:
    """Put a draft in use; the version it replaces is retired in the same step."""
    version = CatalogueVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise ValidationError(NOT_DRAFT)
    now = timezone.now()
    with acting_as(by):
        for old in same_list(version).select_for_update().filter(status=CatalogueVersion.Status.IN_USE):
            old.status, old.retired_at = CatalogueVersion.Status.RETIRED, now
            old.save(update_fields=["status", "retired_at"])
        version.status, version.published_at = CatalogueVersion.Status.IN_USE, now
        version.save(update_fields=["status", "published_at"])
    return version


@transaction.atomic
def version_retire(*, version: CatalogueVersion, by) -> CatalogueVersion:
    """Take a version out of use without a replacement: interviews then find the list missing."""
    version = CatalogueVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != CatalogueVersion.Status.IN_USE:
        raise ValidationError(_("Only a version in use can be retired."))
    version.status, version.retired_at = CatalogueVersion.Status.RETIRED, timezone.now()
    with acting_as(by):
        version.save(update_fields=["status", "retired_at"])
    return version


@transaction.atomic
def version_delete_draft(*, version: CatalogueVersion, by) -> None:
    """Throw a draft away (nothing ever used it)."""
    version = CatalogueVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise ValidationError(NOT_DRAFT)
    with acting_as(by):
        version.indicators.all().delete()
        version.delete()


@transaction.atomic
def indicators_check(*, version: CatalogueVersion, checked: set[int], by) -> int:
    """Record which indicators were ticked against the source (verification, not content). Returns how many."""
    if version.is_verified:
        raise ValidationError(ALREADY_VERIFIED)
    rows = list(version.indicators.select_for_update())
    changed = [i for i in rows if i.checked != (i.pk in checked)]
    for indicator in changed:
        indicator.checked = indicator.pk in checked
    with acting_as(by):
        for indicator in changed:  # row by row: each tick is audited
            indicator.save(update_fields=["checked"])
    return sum(1 for i in rows if i.pk in checked)


@transaction.atomic
def version_verify(*, version: CatalogueVersion, by) -> CatalogueVersion:
    """Record "verified against the source" with name and date: only when every indicator is ticked."""
    version = CatalogueVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_verified:
        raise ValidationError(ALREADY_VERIFIED)
    if not version.indicators.exists() or version.indicators.filter(checked=False).exists():
        raise ValidationError(NOT_ALL_CHECKED)
    version.verified_at, version.verified_by = timezone.now(), by
    with acting_as(by):
        version.save(update_fields=["verified_at", "verified_by"])
    return version
