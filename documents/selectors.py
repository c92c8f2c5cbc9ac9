"""Reads of case documents, always through ``ceis.access``."""

from __future__ import annotations

from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from ceis import access

from .models import Document

# What a document may hang on, in URLs: name -> "app_label.Model" and the field of Document that points at it.
ATTACHABLE = {
    "person": ("referrals.Person", "person"),
    "referral": ("referrals.Referral", "referral"),
    "interview": ("interviews.Interview", "interview"),
    "pathway": ("protection.ProtectionPathway", "pathway"),
}


def attachable_get(user, attach: str, pk: int, *, action: str = "view") -> models.Model:
    """The record a document is to hang on, or 404."""
    from django.apps import apps
    from django.http import Http404

    if attach not in ATTACHABLE:
        raise Http404
    model = apps.get_model(ATTACHABLE[attach][0])
    qs = model._default_manager.all()
    if attach == "interview":
        qs = qs.select_related("referral__person")
    elif attach in ("referral", "pathway"):
        qs = qs.select_related("person")
    return access.get_visible(qs, user, action=action, pk=pk)


def attach_name(record: models.Model) -> str:
    label = record._meta.label
    return next(name for name, (model, _field) in ATTACHABLE.items() if model == label)


def documents_on(record: models.Model, user) -> QuerySet[Document]:
    """The documents hanging directly on ``record`` that ``user`` may see (without the file itself).

    On a person: every document of hers the user may see (on her referrals and pathways too).
    """
    field = ATTACHABLE[attach_name(record)][1]
    qs = (
        Document.objects.filter(**{field: record})
        .defer("content")
        .annotate(has_file=ExpressionWrapper(~Q(content=""), output_field=BooleanField()))
    )
    return access.visible_documents_on(qs, field, user).order_by("-date", "-pk")


def document_get(user, pk: int) -> Document:
    """One document the user may see, file included, or 404."""
    return access.get_visible(Document.objects.select_related("person"), user, pk=pk)
