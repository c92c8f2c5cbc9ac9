"""Reads on the materials library and the languages list. Both are reference data, not case records:
model permissions decide who reads them, and only those who manage the library see inactive materials."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet, Value
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import translation

from .models import Language, Material, Topic

STATUS_ACTIVE = "active"
STATUS_INACTIVE = "inactive"
STATUS_ALL = "all"

MANAGE_MATERIAL = "materials.change_material"


def can_manage_materials(user) -> bool:
    return user.has_perm(MANAGE_MATERIAL)


def _with_labels(qs: QuerySet[Material]) -> QuerySet[Material]:
    """Languages and topics in two queries for the whole page, whatever its length."""
    return qs.prefetch_related(
        Prefetch("languages", queryset=Language.objects.order_by("name_it", "pk")),
        Prefetch("topics", queryset=Topic.objects.order_by("position", "pk")),
    )


def materials(
    *,
    user,
    q: str = "",
    language: str = "",
    topic: str = "",
    kind: str = "",
    status: str = STATUS_ACTIVE,
) -> QuerySet[Material]:
    """The library as ``user`` may browse it: active materials, or any status for those who manage it.

    ``language`` and ``topic`` are codes."""
    qs = _with_labels(Material.objects.all())
    if not can_manage_materials(user):
        status = STATUS_ACTIVE
    q = q.strip()
    if q:
        qs = qs.filter(title__icontains=q)
    if language:
        qs = qs.filter(languages__code=language)
    if topic:
        qs = qs.filter(topics__code=topic)
    if kind:
        qs = qs.filter(kind=kind)
    if status == STATUS_ACTIVE:
        qs = qs.filter(active=True)
    elif status == STATUS_INACTIVE:
        qs = qs.filter(active=False)
    return qs.order_by(Lower("title"), "pk")


def material_for(user, pk: int) -> Material:
    """One material, or 404: an inactive one exists only for those who manage the library."""
    qs = Material.objects.all() if can_manage_materials(user) else Material.objects.filter(active=True)
    try:
        return _with_labels(qs).get(pk=pk)
    except Material.DoesNotExist:
        raise Http404 from None


def offered_languages(*, keep: QuerySet | None = None) -> QuerySet[Language]:
    """Active languages, plus those in ``keep`` (already chosen on a record), so editing never drops one."""
    condition = Q(active=True)
    if keep is not None:
        condition |= Q(pk__in=keep.values("pk"))
    return Language.objects.filter(condition).order_by("name_it", "pk")


def languages(*, q: str = "", status: str = STATUS_ACTIVE) -> QuerySet[Language]:
    qs = Language.objects.all()
    q = q.strip()
    if q:
        qs = qs.filter(Q(code__iexact=q) | Q(name_it__icontains=q) | Q(name_en__icontains=q))
    if status == STATUS_ACTIVE:
        qs = qs.filter(active=True)
    elif status == STATUS_INACTIVE:
        qs = qs.filter(active=False)
    return qs.order_by(Lower("name_it"), "pk")


def language_code_taken(code: str, *, exclude_pk: int | None = None) -> bool:
    """Whether another language already has this code, ignoring case."""
    qs = Language.objects.annotate(lower_code=Lower("code")).filter(lower_code=Lower(Value(code.strip())))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def languages_offered(chosen=()) -> QuerySet[Language]:
    """Languages a form offers: the active ones and those already chosen (so an old record stays editable),
    in the alphabetical order of the names on screen (Italian or English)."""
    by = "name_it" if (translation.get_language() or "it").startswith("it") else "name_en"
    return Language.objects.filter(Q(active=True) | Q(pk__in=list(chosen))).order_by(by)


def materials_offered(chosen=()) -> QuerySet[Material]:
    """Materials a form offers: the active ones and those already chosen, by title."""
    return Material.objects.filter(Q(active=True) | Q(pk__in=list(chosen))).order_by("title")
