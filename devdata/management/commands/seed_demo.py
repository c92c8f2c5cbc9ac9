"""Seed a clearly fictional demo: four accounts and referrals spread across two operators."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ceis.accounts import roles
from ceis.partners.models import PartnerBody, PartnerContact
from portal.services import submit_referral
from referrals import services
from referrals.models import ExploitationForm, Person, Referral
from referrals.signals import demo_seeded

PASSWORD = "ceis-demo-2026"

ACCOUNTS = [
    ("operatore1", "Giulia", "Demo (operatrice)", roles.OPERATOR),
    ("operatore2", "Marco", "Demo (operatore)", roles.OPERATOR),
    ("coordinatore", "Anna", "Demo (coordinatrice)", roles.COORDINATOR),
    ("amministratore", "Luca", "Demo (amministratore)", roles.ADMIN),
    ("ente", "Sara", "Demo (CAS Esempio Uno)", roles.PARTNER),
    ("rete", "Paola", "Demo (rete locale)", roles.NETWORK),
]

DEMO_BODIES = [
    ("CAS Esempio Uno (fittizio)", PartnerBody.Kind.CAS, "Capannori"),
    ("CAS Esempio Due (fittizio)", PartnerBody.Kind.CAS, "Viareggio"),
    ("SAI Esempio (fittizio)", PartnerBody.Kind.SAI, "Lucca"),
]

# (first name, last name, alias, birth year, nationality, gender, urgency, channel, forms, days ago, operator)
PEOPLE = [
    ("Demo", "Persona Uno", "", 1998, "NG", "female", "priority", "phone", ["sexual_street"], 2, "operatore1"),
    ("Demo", "Persona Due", "", 2001, "CI", "female", "routine", "email", ["sexual_indoor"], 5, "operatore1"),
    ("Demo", "Persona Tre", "", 1995, "PK", "male", "routine", "phone", ["labour"], 9, "operatore1"),
    ("", "", "Esempio Quattro", 2004, "GM", "male", "immediate", "phone", ["labour", "begging"], 1, "operatore1"),
    ("Demo", "Persona Cinque", "", 1990, "BD", "male", "routine", "in_person", ["labour"], 20, "operatore1"),
    (
        "Demo",
        "Persona Sei",
        "",
        1999,
        "NG",
        "trans_woman",
        "priority",
        "numero_verde",
        ["sexual_indoor"],
        3,
        "operatore2",
    ),
    ("Demo", "Persona Sette", "", 2000, "MA", "female", "routine", "email", ["domestic"], 12, "operatore2"),
    ("Demo", "Persona Otto", "", 1997, "SN", "male", "routine", "group_session", ["criminal"], 15, "operatore2"),
    ("", "", "Esempio Nove", 2006, "GN", "female", "immediate", "phone", ["sexual_street"], 0, "operatore2"),
    ("Demo", "Persona Dieci", "", 1993, "CN", "female", "routine", "transfer", ["marriage"], 30, "operatore2"),
]


class Command(BaseCommand):
    help = "Create fictional demo accounts, partner bodies, people and referrals (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates well-known passwords: it runs only with DEBUG on.")
        User = get_user_model()
        with transaction.atomic():
            users = {}
            for username, first, last, role in ACCOUNTS:
                user, created = User.objects.get_or_create(
                    username=username,
                    defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
                )
                if created:
                    user.set_password(PASSWORD)
                    user.save()
                    user.groups.add(Group.objects.get(name=role))
                users[username] = user
            bodies = []
            for name, kind, municipality in DEMO_BODIES:
                body, _ = PartnerBody.objects.get_or_create(
                    name=name, defaults={"kind": kind, "municipality": municipality}
                )
                PartnerContact.objects.get_or_create(
                    body=body, name="Referente demo", defaults={"role": "operatore/operatrice"}
                )
                bodies.append(body)
            bodies.append(PartnerBody.objects.get(name="Prefettura di Lucca"))
            if users["ente"].partner_body_id is None:  # the partner account works for the first demo CAS
                users["ente"].partner_body = bodies[0]
                users["ente"].save(update_fields=["partner_body"])
            if not Referral.objects.exists():
                self._seed_referrals(users, bodies)
                demo_seeded.send(sender=self.__class__, users=users)
        self.stdout.write(self.style.SUCCESS(f"Demo ready. Accounts (password: {PASSWORD}):"))
        for username, _first, _last, role in ACCOUNTS:
            self.stdout.write(f"  {username:<15} {role}")

    def _seed_referrals(self, users, bodies):
        forms = {f.code: f for f in ExploitationForm.objects.all()}
        now = timezone.now()
        for i, (first, last, alias, year, nat, gender, urgency, channel, codes, days, op) in enumerate(PEOPLE):
            person = Person(
                first_name=first, last_name=last, aliases=alias, birth_year=year, nationality=nat, gender=gender
            )
            referral = Referral(
                referring_body=bodies[i % len(bodies)],
                channel=channel,
                received_at=now - datetime.timedelta(days=days, hours=i),
                urgency=urgency,
                reason="Segnalazione fittizia per la demo: nessuna persona reale.",
            )
            services.referral_intake(
                person=person, referral=referral, exploitation_forms=[forms[c] for c in codes], by=users[op]
            )
        # One referral waiting for triage: recorded by the coordinator, nobody assigned yet.
        services.referral_intake(
            person=Person(aliases="Esempio Undici", birth_year=2002, nationality="NG", gender="female"),
            referral=Referral(
                referring_body=bodies[0],
                channel=Referral.Channel.PHONE,
                received_at=now - datetime.timedelta(hours=3),
                urgency=Referral.Urgency.PRIORITY,
                reason="Segnalazione fittizia in attesa di assegnazione.",
            ),
            by=users["coordinatore"],
        )
        # One sent by the CAS through the portal: "new", "from the portal", the coordinator notified.
        submit_referral(
            users["ente"],
            {
                "aliases": "Esempio Dodici",
                "birth_year": 2003,
                "gender": "female",
                "urgency": Referral.Urgency.ROUTINE,
                "reason": "Segnalazione fittizia dal portale degli enti.",
                "exploitation_forms": ["labour"],
            },
        )
