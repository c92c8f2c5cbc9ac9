"""Seed load-test accounts with referrals, interviews, pathways and group sessions, a closure waiting for a
coordinator's approval, and a few materials in the library, for ``make load`` against ``make serve``.

Load-test accounts share one known password, so this refuses to touch a database that holds any real
account. The marker of a seeded account: an e-mail address in the reserved ``load.invalid`` domain
(seed_load) or one of seed_demo's accounts as it creates them (username and ``@example.org`` address).
Any other user (a real operator, a superuser made with createsuperuser) stops the command.
"""

from __future__ import annotations

import datetime
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ceis.accounts import roles
from ceis.approvals.models import ClosureRequest
from ceis.approvals.services import closure_request
from ceis.partners.models import PartnerBody
from devdata.management.commands.seed_demo import ACCOUNTS as DEMO_ACCOUNTS
from groups.forms import SessionForm
from groups.models import GroupSession
from groups.services import group_session_save
from interviews.models import Interview
from materials.models import Language, Material, Topic
from materials.services import material_create
from protection.models import ProtectionPathway
from protection.services import pathway_open
from referrals import services
from referrals.models import ExploitationForm, Person, Referral

LOAD_EMAIL_DOMAIN = "load.invalid"
DEFAULT_PASSWORD = "ceis-load-test-2026"  # the locustfile's default too (LOAD_PASSWORD overrides both)


def operator_name(i: int) -> str:
    return f"load-op-{i:02d}"


def coordinator_name(i: int) -> str:
    return f"load-coord-{i:02d}"


def seeded_accounts() -> Q:
    """Users created by a seeder: seed_load's domain, or seed_demo's accounts with their own addresses."""
    demo = Q()
    for username, *_ in DEMO_ACCOUNTS:
        demo |= Q(username=username, email=f"{username}@example.org")
    return Q(email__endswith=f"@{LOAD_EMAIL_DOMAIN}") | demo


class Command(BaseCommand):
    help = "Create load-test operators and coordinators with referrals (refuses a database with real accounts)."

    def add_arguments(self, parser):
        parser.add_argument("--operators", type=int, default=20)
        parser.add_argument("--coordinators", type=int, default=5)
        parser.add_argument("--referrals", type=int, default=10, help="referrals assigned to each operator")
        parser.add_argument("--pathways", type=int, default=3, help="pathways assigned to each operator")
        parser.add_argument("--materials", type=int, default=6, help="materials in the library")

    def handle(
        self, *args, operators: int, coordinators: int, referrals: int, pathways: int, materials: int, **options
    ):
        User = get_user_model()
        real = User.objects.exclude(seeded_accounts()).count()
        if real:
            raise CommandError(
                f"The database holds {real} account(s) not created by a seeder: seed_load creates accounts with a "
                "known password and runs only on a throw-away database."
            )
        password = os.environ.get("LOAD_PASSWORD", DEFAULT_PASSWORD)
        body = PartnerBody.objects.filter(active=True).order_by("pk").first()
        forms = list(ExploitationForm.objects.order_by("pk")[:1])
        if body is None:
            raise CommandError("No active partner body: run migrate first.")
        created = 0
        with transaction.atomic():
            for i in range(1, coordinators + 1):
                coordinator = self._account(coordinator_name(i), roles.COORDINATOR, password)
                if i == 1 and not Material.objects.filter(created_by=coordinator).exists():
                    self._materials(materials, by=coordinator)
            for i in range(1, operators + 1):
                operator = self._account(operator_name(i), roles.OPERATOR, password)
                if not ProtectionPathway.objects.filter(created_by=operator).exists():
                    self._pathways(pathways, i, body=body, by=operator)
                if not GroupSession.objects.filter(created_by=operator).exists():
                    self._sessions(i, body=body, by=operator)
                if Referral.objects.filter(created_by=operator).exists():
                    continue
                for n in range(referrals):
                    created += 1
                    referral = services.referral_intake(
                        person=Person(aliases=f"Prova di carico {i:02d}-{n:03d}", birth_year=1990 + n % 15),
                        referral=Referral(
                            referring_body=body,
                            channel=Referral.Channel.PHONE,
                            received_at=timezone.now() - datetime.timedelta(days=n, hours=i),
                            urgency=Referral.Urgency.ROUTINE,
                            reason="Segnalazione fittizia per la prova di carico: nessuna persona reale.",
                        ),
                        exploitation_forms=forms,
                        by=operator,
                        possible_duplicate=False,  # synthetic names, alike on purpose: no review asked
                    )
                    if n < 2:  # something on the agenda
                        Interview.objects.create(
                            referral=referral,
                            number=1,
                            scheduled_at=timezone.now() + datetime.timedelta(days=n + 1),
                            place="Sede (prova di carico)",
                        )
        with transaction.atomic():
            for i in range(1, operators + 1):
                operator = get_user_model().objects.get(username=operator_name(i))
                if ClosureRequest.objects.filter(requested_by=operator).exists():
                    continue
                oldest = (
                    Referral.objects.filter(created_by=operator)
                    .exclude(status=Referral.Status.CLOSED)
                    .order_by("received_at")
                )
                if referral := oldest.first():  # her oldest referral: she asks to close it, a coordinator decides
                    closure_request(
                        record=referral,
                        outcome=Referral.Outcome.UNREACHABLE,
                        note="Richiesta fittizia della prova di carico.",
                        by=operator,
                    )
        self.stdout.write(
            self.style.SUCCESS(
                f"Load-test accounts ready: {operator_name(1)}..{operator_name(operators)}, "
                f"{coordinator_name(1)}..{coordinator_name(coordinators)}; {created} new referrals."
            )
        )

    def _materials(self, count: int, *, by) -> None:
        """Materials given as links (no file to store), in the first languages and topics of the reference lists."""
        languages = list(Language.objects.filter(active=True).order_by("pk")[:3])
        topics = list(Topic.objects.order_by("position")[:2])
        kinds = Material.Kind.values
        for n in range(count):
            material_create(
                data={
                    "title": f"Materiale di prova di carico {n + 1:02d}",
                    "kind": kinds[n % len(kinds)],
                    "description": "Materiale fittizio per la prova di carico.",
                    "url": f"https://materials.{LOAD_EMAIL_DOMAIN}/{n + 1:02d}",
                },
                languages=languages[: 1 + n % len(languages)],
                topics=topics,
                by=by,
            )

    def _pathways(self, count: int, i: int, *, body: PartnerBody, by) -> None:
        """Pathways of persons transferred from another project, open for a few weeks, assigned to ``by``."""
        for n in range(count):
            pathway_open(
                person=Person(aliases=f"Percorso di carico {i:02d}-{n:02d}", birth_year=1985 + n % 15),
                transferred_from=body,
                legal_basis=ProtectionPathway.LegalBasis.ART18_SOCIAL,
                started_on=timezone.localdate() - datetime.timedelta(days=20 + 7 * n + i),
                by=by,
            )

    def _sessions(self, i: int, *, body: PartnerBody, by) -> None:
        """One session ``by`` held last week (with its attendance) and one she plans for next week."""
        language = Language.objects.filter(active=True).order_by("pk").first()
        topic = Topic.objects.order_by("position").first()
        local = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
        for held_at, status in (
            (local - datetime.timedelta(days=7, minutes=i), GroupSession.Status.HELD),
            (local + datetime.timedelta(days=7, minutes=i), GroupSession.Status.PLANNED),
        ):
            form = SessionForm(
                data={
                    "status": status,
                    "held_at": held_at.strftime("%Y-%m-%dT%H:%M"),
                    "host_centre": body.pk,
                    "place": "Sala comune (prova di carico)",
                    "facilitators": [by.pk],
                    "languages": [language.pk],
                    "topics": [topic.pk],
                },
                user=by,
            )
            if not form.is_valid():
                raise CommandError(f"The load-test session does not validate: {form.errors.as_text()}")
            attendance = []
            if status == GroupSession.Status.HELD:
                attendance = [{"nationality": "NG", "gender": "female", "language": language, "count": 6 + i % 5}]
            group_session_save(form=form, attendance=attendance, facilitators=[by], by=by)

    def _account(self, username: str, role: str, password: str):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": "Prova", "last_name": username, "email": f"{username}@{LOAD_EMAIL_DOMAIN}"},
        )
        if created:
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=role))
        return user
