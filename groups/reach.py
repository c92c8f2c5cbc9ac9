"""Reach of the group information sessions over a period, and the gap in the materials library.

Pure aggregation selectors: each takes the sessions a user may see (already filtered through
``ceis.access``) and a period, and sums in SQL, so a page runs the same few queries whatever the
number of sessions. Figures are counts only: no participant name exists, and none is shown.

Language gap, as implemented: the languages *met* in a period are the languages used in its
sessions (``GroupSession.languages``) and the languages recorded on its attendance rows
(``AttendanceRow.language``). A language met is *missing* when no active material has it among its
languages. For each missing language we list the nationalities of the attendance rows recorded in
that language (people per nationality), the people counted on those rows, and the sessions where
the language was met (used in the session or recorded on one of its rows). Attendance rows with no
language recorded are listed apart, by nationality: for those people the gap cannot be assessed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_countries import countries

from materials.models import Language, Material
from referrals.models import Person, Referral

from .models import AttendanceRow, GroupSession, SessionReferral


@dataclass(frozen=True)
class Period:
    """A span of calendar days, both ends included, in the service's time zone."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Aware datetimes [first midnight, midnight after the last day): range lookups use the index."""
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min)
        end = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min)
        return timezone.make_aware(start, tz), timezone.make_aware(end, tz)


@dataclass(frozen=True)
class Line:
    """One row of a breakdown: what (a code or id), its label, and the figures."""

    key: object
    label: str
    people: int = 0
    sessions: int = 0


@dataclass(frozen=True)
class ReferralsFollowed:
    total: int
    open: int
    closed: int
    closed_by_outcome: list[Line]


@dataclass(frozen=True)
class Reach:
    sessions: int
    people: int
    by_nationality: list[Line]
    by_gender: list[Line]
    by_host_centre: list[Line]
    by_language: list[Line]
    referrals: ReferralsFollowed


@dataclass(frozen=True)
class MissingLanguage:
    language: Language
    people: int
    sessions: int
    nationalities: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class LanguageGap:
    missing: list[MissingLanguage]
    covered: list[Language]
    unrecorded: list[Line]

    @property
    def people_unrecorded(self) -> int:
        return sum(line.people for line in self.unrecorded)


def held_in(sessions: QuerySet[GroupSession], period: Period) -> QuerySet[GroupSession]:
    """The sessions held in the period: planned and cancelled ones count nowhere."""
    start, end = period.bounds()
    return sessions.filter(status=GroupSession.Status.HELD, held_at__gte=start, held_at__lt=end)


def _held_ids(sessions: QuerySet[GroupSession], period: Period) -> QuerySet:
    return held_in(sessions, period).order_by().values("pk")


def _nationality(code: str) -> str:
    return countries.name(code) or code


def _by_people(lines: list[Line]) -> list[Line]:
    return sorted(lines, key=lambda line: (-line.people, line.label.casefold()))


def reach(sessions: QuerySet[GroupSession], period: Period) -> Reach:
    """Sessions held, people reached and the referrals that followed, for the sessions held in the period.

    Five queries whatever the number of sessions; the totals are the sums of the breakdowns.
    """
    held = _held_ids(sessions, period)
    rows = AttendanceRow.objects.filter(session__in=held).order_by()

    by_centre = [
        Line(key=row["host_centre"], label=row["host_centre__name"], people=row["people"], sessions=row["sessions"])
        for row in GroupSession.objects.filter(pk__in=held)
        .order_by()
        .values("host_centre", "host_centre__name")
        .annotate(sessions=Count("pk", distinct=True), people=Coalesce(Sum("attendance__count"), 0))
    ]
    by_nationality = [
        Line(key=row["nationality"], label=_nationality(row["nationality"]), people=row["people"])
        for row in rows.values("nationality").annotate(people=Sum("count"))
    ]
    gender_labels = dict(Person.Gender.choices)
    gender_order = list(gender_labels)
    by_gender = sorted(
        (
            Line(key=row["gender"], label=str(gender_labels.get(row["gender"], row["gender"])), people=row["people"])
            for row in rows.values("gender").annotate(people=Sum("count"))
        ),
        key=lambda line: gender_order.index(line.key) if line.key in gender_order else len(gender_order),
    )
    by_language = [
        Line(
            key=row["language"],
            label=str(Language(name_it=row["language__name_it"], name_en=row["language__name_en"]))
            if row["language"]
            else "",
            people=row["people"],
        )
        for row in rows.values("language", "language__name_it", "language__name_en").annotate(people=Sum("count"))
    ]
    return Reach(
        sessions=sum(line.sessions for line in by_centre),
        people=sum(line.people for line in by_nationality),
        by_nationality=_by_people(by_nationality),
        by_gender=by_gender,
        by_host_centre=_by_people(by_centre),
        by_language=_by_people(by_language),
        referrals=referrals_followed(sessions, period),
    )


def referrals_followed(sessions: QuerySet[GroupSession], period: Period) -> ReferralsFollowed:
    """Referrals that followed the sessions held in the period: open, and closed by outcome (one query)."""
    counts = (
        SessionReferral.objects.filter(session__in=_held_ids(sessions, period))
        .order_by()
        .values("referral__status", "referral__outcome")
        .annotate(n=Count("pk"))
    )
    total = open_ = 0
    closed: dict[str, int] = {}
    for row in counts:
        total += row["n"]
        if row["referral__status"] == Referral.Status.CLOSED:
            outcome = row["referral__outcome"] or ""
            closed[outcome] = closed.get(outcome, 0) + row["n"]
        else:
            open_ += row["n"]
    outcome_labels = dict(Referral.Outcome.choices)
    order = [*outcome_labels, ""]
    closed_by_outcome = [
        Line(key=code, label=str(outcome_labels.get(code, "")), people=closed[code])
        for code in sorted(closed, key=lambda code: order.index(code) if code in order else len(order))
    ]
    return ReferralsFollowed(total=total, open=open_, closed=sum(closed.values()), closed_by_outcome=closed_by_outcome)


class _Count(Func):
    """COUNT(*) of a correlated subquery's rows (no GROUP BY needed: its filter makes no joins)."""

    function = "COUNT"
    template = "%(function)s(*)"
    output_field = IntegerField()


def language_gap(sessions: QuerySet[GroupSession], period: Period) -> LanguageGap:
    """The languages met in the period's sessions in which no active material exists (three queries).

    See the module docstring for what "met" and "missing" mean.
    """
    held = _held_ids(sessions, period)
    through = GroupSession.languages.through
    used = through.objects.filter(groupsession__in=held, language=OuterRef("pk"))
    spoken = AttendanceRow.objects.filter(session__in=held, language=OuterRef("pk"))
    used_in_session = through.objects.filter(groupsession=OuterRef("pk"), language=OuterRef(OuterRef("pk")))
    spoken_in_session = AttendanceRow.objects.filter(session=OuterRef("pk"), language=OuterRef(OuterRef("pk")))
    sessions_meeting = (
        GroupSession.objects.filter(pk__in=held)
        .filter(Exists(used_in_session) | Exists(spoken_in_session))
        .order_by()
        .annotate(n=_Count())
        .values("n")
    )
    people_speaking = spoken.order_by().values("language").annotate(people=Sum("count")).values("people")
    met = list(
        Language.objects.filter(Exists(used) | Exists(spoken))
        .annotate(
            has_material=Exists(Material.objects.filter(active=True, languages=OuterRef("pk"))),
            sessions_met=Coalesce(Subquery(sessions_meeting, output_field=IntegerField()), 0),
            people=Coalesce(Subquery(people_speaking, output_field=IntegerField()), 0),
        )
        .order_by("pk")
    )
    missing_ids = [language.pk for language in met if not language.has_material]

    nationalities: dict[int, list[Line]] = {pk: [] for pk in missing_ids}
    unrecorded: list[Line] = []
    for row in (
        AttendanceRow.objects.filter(session__in=held)
        .filter(Q(language__in=missing_ids) | Q(language__isnull=True))
        .order_by()
        .values("language", "nationality")
        .annotate(people=Sum("count"), sessions=Count("session", distinct=True))
    ):
        line = Line(
            key=row["nationality"],
            label=_nationality(row["nationality"]),
            people=row["people"],
            sessions=row["sessions"],
        )
        (nationalities[row["language"]] if row["language"] else unrecorded).append(line)

    missing = [
        MissingLanguage(
            language=language,
            people=language.people,
            sessions=language.sessions_met,
            nationalities=_by_people(nationalities[language.pk]),
        )
        for language in met
        if not language.has_material
    ]
    return LanguageGap(
        missing=sorted(missing, key=lambda m: (-m.sessions, -m.people, m.language.name.casefold())),
        covered=sorted((language for language in met if language.has_material), key=lambda la: la.name.casefold()),
        unrecorded=_by_people(unrecorded),
    )
