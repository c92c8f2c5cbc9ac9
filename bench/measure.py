"""Time the main pages against the database in ``DATABASE_URL`` (seeded by ``seed_scale``); print JSON.

In-process: Django's test ``Client`` with the settings as configured (``DEBUG`` off, the production
middleware), against the real PostgreSQL database. Each page gets warm-up requests, then ``--requests``
timed ones. For each request: the server time (wall clock around ``client.get``/``post``), the number of
SQL queries and the time spent in them (``connection.execute_wrapper``), and the slowest single query.

Run by ``bench/run.py``; by hand: ``DATABASE_URL=... python bench/measure.py --requests 30``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from api.services import token_create  # noqa: E402
from ceis import access  # noqa: E402
from ceis.accounts.models import User  # noqa: E402
from ceis.partners.models import PartnerBody  # noqa: E402
from ceis.submissions import tokens  # noqa: E402
from devdata.scale import PREFIX  # noqa: E402
from interviews.models import Interview  # noqa: E402
from protection.models import ProtectionPathway  # noqa: E402
from referrals.models import ExploitationForm, Referral  # noqa: E402


class Recorder:
    """Wraps every query of the connection: count, time, the slowest one."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.count = 0
        self.total = 0.0
        self.slowest = (0.0, "")

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - start
            self.count += 1
            self.total += elapsed
            if elapsed > self.slowest[0]:
                self.slowest = (elapsed, sql)


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def _subjects():
    """The records each page shows: those of a typical operator (the median caseload)."""
    operators = list(
        User.objects.filter(username__startswith=f"{PREFIX}op-")
        .annotate(n=Count("referraluserobjectpermission"))
        .order_by("n", "pk")
    )
    operator = operators[len(operators) // 2]
    coordinator = User.objects.filter(username__startswith=f"{PREFIX}coord-").order_by("pk").first()
    mine = access.assigned_to(Referral, operator)
    referral = mine.filter(interviews__held_at__isnull=False).order_by("-received_at").first()
    interview = (
        Interview.objects.filter(referral__in=mine, held_at__isnull=False, answers__isnull=False)
        .order_by("-held_at")
        .first()
    )
    pathway = (
        access.assigned_to(ProtectionPathway, operator).filter(ended_on__isnull=True).order_by("-started_on").first()
        or access.assigned_to(ProtectionPathway, operator).order_by("-started_on").first()
    )
    return operator, coordinator, referral, interview, pathway


SYNTHETIC_LIST = "SYNTHETIC benchmark list (not real indicators)"


def _two_lists_interview(operator, interview):
    """Another held interview of hers, using two full lists: adult labour and a second, sexual-exploitation list.

    No sexual-exploitation list ships with the application (it is imported by the service, issue #13), so the
    benchmark adds a clearly synthetic one to its own throw-away database, as long as the labour list and shaped
    like it (dimension, strength, text length), recorded as a draft version that only this interview uses.
    """
    from interviews.indicators import SEXUAL_FORMS
    from interviews.models import CatalogueVersion, Indicator, InterviewList

    labour = CatalogueVersion.objects.get(audience="adult", exploitation="labour", status="in_use")
    synthetic, created = CatalogueVersion.objects.get_or_create(
        name=SYNTHETIC_LIST,
        defaults={"audience": "adult", "exploitation": "sexual", "label": "benchmark", "status": "draft",
                  "source_title": "none: synthetic rows made by bench/measure.py for its own database"},
    )  # fmt: skip
    if created:
        Indicator.objects.bulk_create(
            Indicator(
                version=synthetic, code=f"bench-{i:03d}", audience="adult", exploitation="sexual",
                dimension=row.dimension, strength=row.strength, position=row.position, active=True,
                text_en=(f"[synthetic {i}] " + "benchmark filler text " * 20)[: len(row.text_en)],
                text_it=(f"[sintetico {i}] " + "testo di riempimento " * 20)[: len(row.text_it)],
            )
            for i, row in enumerate(labour.indicators.filter(active=True).order_by("position"), start=1)
        )  # fmt: skip
    mine = access.assigned_to(Referral, operator)
    candidates = (
        Interview.objects.filter(referral__in=mine, held_at__isnull=False, answers__isnull=False)
        .exclude(pk=interview.pk)
        .select_related("referral__person")
        .order_by("-held_at")
        .distinct()
    )
    chosen = next(i for i in candidates if not i.referral.person.presumed_minor)
    forms = list(ExploitationForm.objects.filter(code__in=SEXUAL_FORMS).order_by("pk")[:1])
    forms += list(ExploitationForm.objects.exclude(code__in=SEXUAL_FORMS).order_by("pk")[:1])
    chosen.exploitation_forms.add(*forms)
    for needed, version in (("labour", labour), ("sexual", synthetic)):
        InterviewList.objects.update_or_create(interview=chosen, needed=needed, defaults={"version": version})
    return chosen


def pages():
    operator, coordinator, referral, interview, pathway = _subjects()
    two_lists = _two_lists_interview(operator, interview)
    year = timezone.localdate().year - 1
    body = PartnerBody.objects.filter(name__startswith=PREFIX, active=True).order_by("pk").first()
    form = ExploitationForm.objects.order_by("pk").first()
    counter = iter(range(10**6))

    def intake_data():
        n = next(counter)
        return {
            "referring_body": body.pk,
            "channel": "phone",
            "received_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "urgency": "routine",
            "reason": "Segnalazione del benchmark (sintetica).",
            "exploitation_forms": [form.pk],
            "first_name": "Bench",
            "last_name": f"Persona{n}p{os.getpid()}",  # one word with digits: matches no other bench person
            "gender": "female",
            "birth_year": 1990 + n % 20,
            "submission_token": tokens.issue(operator),  # a fresh form each time, as a browser gets it
        }

    return [
        ("referrals_mine", "Operator's referral list", operator, "get", reverse("referrals:mine"), None, 200),
        ("referral_detail", "Referral detail", operator, "get", reverse("referrals:detail", args=[referral.pk]), None, 200),
        ("interview_form", "Interview form (held, with indicators)", operator, "get",
         reverse("interviews:edit", args=[interview.pk]), None, 200),
        ("interview_form_two_lists", "Interview form, two full lists", operator, "get",
         reverse("interviews:edit", args=[two_lists.pk]), None, 200),
        ("pathway", "Pathway page", operator, "get", reverse("protection:detail", args=[pathway.pk]), None, 200),
        ("interviews_list", "Operator's interviews", operator, "get", reverse("interviews:list"), None, 200),
        ("agenda", "Operator's agenda", operator, "get", reverse("interviews:agenda"), None, 200),
        ("pathways_mine", "Operator's pathways", operator, "get", reverse("protection:mine"), None, 200),
        ("sessions_mine", "Operator's group sessions", operator, "get", reverse("groups:mine"), None, 200),
        ("materials", "Materials library", operator, "get", reverse("materials:list"), None, 200),
        ("referrals_all", "Coordinator's all referrals, filtered", coordinator, "get",
         reverse("referrals:all") + "?status=new&status=assigned&status=in_assessment&urgency=immediate"
         "&urgency=priority&sort=-received", None, 200),
        ("pathways_all", "Coordinator's all pathways", coordinator, "get", reverse("protection:all"), None, 200),
        ("sessions_all", "Coordinator's all group sessions", coordinator, "get", reverse("groups:all"), None, 200),
        ("dashboard", "Caseload dashboard", coordinator, "get", reverse("caseload:dashboard"), None, 200),
        ("statistics", f"Statistics for {year}", coordinator, "get",
         reverse("caseload:statistics") + f"?year={year}&part=year", None, 200),
        ("intake_post", "Referral intake (POST)", operator, "post", reverse("referrals:intake"), intake_data, 302),
        # The REST API's lists (a bearer token, no session: ``api_`` keys), a page of 50 each.
        ("api_referrals", "API: operator's referrals", operator, "get", reverse("api:referrals"), None, 200),
        ("api_interviews", "API: operator's interviews", operator, "get", reverse("api:interviews"), None, 200),
        ("api_pathways", "API: operator's pathways", operator, "get", reverse("api:pathways"), None, 200),
        ("api_referrals_all", "API: coordinator's referrals", coordinator, "get", reverse("api:referrals"), None, 200),
        ("api_statistics", f"API: statistics for {year}", coordinator, "get",
         reverse("api:statistics") + f"?year={year}&part=year", None, 200),
    ]  # fmt: skip


def statistics_first_views() -> dict:
    """The first view of each year's statistics at the coordinator's page, none viewed since the seed.

    ``bench/run.py`` runs ``manage.py prepare_statistics`` after seeding, as Celery beat's ``prepare-statistics``
    does on a live service, so these read stored months. Then, for the record: the view of a year with one month
    changed since it was counted (the worker has marked it stale; the view counts that month), and the view of a
    year with no snapshot at all (what a view would cost if nothing had counted ahead)."""
    from stats import snapshots
    from stats.models import StatisticsSnapshot

    _operator, coordinator, *_ = _subjects()
    client = Client()
    client.force_login(coordinator)
    client.get(reverse("caseload:dashboard"), secure=True)  # the session's first request is not the page's
    recorder = Recorder()
    today = timezone.localdate()
    first = snapshots.first_year_with_data() or today.year

    def view(year: int) -> dict:
        recorder.reset()
        start = time.perf_counter()
        response = client.get(reverse("caseload:statistics") + f"?year={year}&part=year", secure=True)
        elapsed = time.perf_counter() - start
        if response.status_code != 200:
            raise SystemExit(f"statistics {year}: answered {response.status_code}")
        return {"year": year, "ms": round(elapsed * 1000, 1), "queries": recorder.count,
                "sql_ms": round(recorder.total * 1000, 1)}  # fmt: skip

    with connection.execute_wrapper(recorder):
        never_viewed = [view(year) for year in range(first, today.year + 1)]
        last_year = today.year - 1
        snapshots.stale([(datetime.date(last_year, 6, 15), datetime.date(last_year, 6, 15))])
        one_month_changed = view(last_year)
        StatisticsSnapshot.objects.filter(start__year=last_year).delete()
        nothing_counted = view(last_year)
    return {
        "never_viewed": never_viewed,
        "worst_never_viewed_ms": max(v["ms"] for v in never_viewed),
        "one_month_changed": one_month_changed,
        "nothing_counted": nothing_counted,
    }


def measure(requests: int, warmup: int, only: str = "", first_views: bool = True) -> dict:
    recorder = Recorder()
    results = {}
    if first_views and (not only or "statistics_first_views".startswith(only)):
        results["statistics_first_views"] = statistics_first_views()
        if only:
            return results
    with connection.execute_wrapper(recorder):
        for key, title, user, method, url, data, expected in pages():
            if not key.startswith(only):
                continue
            if key.startswith("api_"):  # the API takes a personal token, never a session
                client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='bench')[1]}")
            else:
                client = Client()
                client.force_login(user)
            samples = []
            for i in range(warmup + requests):
                recorder.reset()
                payload = data() if callable(data) else data
                start = time.perf_counter()
                response = (
                    getattr(client, method)(url, payload, secure=True) if payload else client.get(url, secure=True)
                )
                elapsed = time.perf_counter() - start
                if response.status_code != expected:
                    raise SystemExit(f"{key}: {url} answered {response.status_code}, expected {expected}")
                if i >= warmup:
                    samples.append((elapsed, recorder.count, recorder.total, recorder.slowest))
            times = [s[0] for s in samples]
            sql = [s[2] for s in samples]
            counts = sorted({s[1] for s in samples})
            slowest = max(samples, key=lambda s: s[3][0])[3]
            results[key] = {
                "samples_ms": [round(t * 1000, 3) for t in times],  # bench/run.py merges rounds from these
                "sql_samples_ms": [round(t * 1000, 3) for t in sql],
                "title": title,
                "url": url.split("?")[0] + ("?…" if "?" in url else ""),
                "requests": requests,
                "median_ms": round(statistics.median(times) * 1000, 2),
                "p95_ms": round(_percentile(times, 95) * 1000, 2),
                "queries": counts[-1],
                "queries_seen": counts,
                "sql_median_ms": round(statistics.median(sql) * 1000, 2),
                "slowest_query_ms": round(slowest[0] * 1000, 2),
                "slowest_query": " ".join(slowest[1].split())[:600],
            }
            if key.startswith("interview_form"):  # how many indicators the form showed (one note field each)
                results[key]["indicators_shown"] = response.content.count(b'name="n_')
            print(f"  {key:<16} median {results[key]['median_ms']:8.1f} ms  queries {counts}", file=sys.stderr)
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--only", default="", help="only the pages whose key starts with this (e.g. api_)")
    parser.add_argument("--no-first-views", action="store_true", help="skip the statistics' first views")
    args = parser.parse_args()
    print(json.dumps(measure(args.requests, args.warmup, args.only, first_views=not args.no_first_views), indent=2))


if __name__ == "__main__":
    main()
