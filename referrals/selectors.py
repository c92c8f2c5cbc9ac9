"""Reads on people and referrals, always through ``ceis.access``."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ceis import access

from .models import Person, PersonNameKey, Referral, name_search_key

LIST_COLUMNS = (
    "received_at",
    "channel",
    "urgency",
    "status",
    "person__case_code",
    "referring_body__name",
)


def referrals_for(user, *, mine: bool) -> QuerySet[Referral]:
    """Referrals for a list page: the user's own (``mine``) or all she may see, with the columns a list shows
    (no encrypted field is read, so none is decrypted for a page of rows)."""
    qs = access.mine(Referral, user) if mine else access.visible(Referral, user)
    return qs.select_related("person", "referring_body").only(*LIST_COLUMNS)


def referrals_of_person(person: Person, user) -> QuerySet[Referral]:
    return access.visible(person.referrals.all(), user).select_related("referring_body").order_by("-received_at")


def people_named(name: str, user) -> QuerySet[Person]:
    """People whose normalised full name or an alias equals ``name`` (via keyed hashes), visible to ``user``."""
    matching = PersonNameKey.objects.filter(key=name_search_key(name)).values("person")
    # a record merged into another keeps its names: the search finds the record kept
    kept = Person.objects.filter(pk__in=matching, merged_into__isnull=False).values("merged_into")
    return access.visible(Person.objects.filter(Q(pk__in=matching) | Q(pk__in=kept)), user).order_by("case_code")


def person_by_code(code: str, user, *, action: str = "view") -> Person | None:
    """The person with this case code, or the record it was merged into (an old code leads on), if ``user`` may
    see her."""
    code = code.strip().upper()
    merged = Person.objects.filter(case_code=code, merged_into__isnull=False).values("merged_into")
    return access.visible(Person, user, action=action).filter(Q(case_code=code) | Q(pk__in=merged)).first()


def merged_codes(person: Person) -> list[str]:
    """The case codes merged into this record (its aliases): codes only, never what those records held."""
    return list(person.aliases_merged.order_by("case_code").values_list("case_code", flat=True))
