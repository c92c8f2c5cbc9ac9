"""Write again every person's blind matching keys (after ``DUPLICATE_HASH_KEY`` changes, for instance)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from referrals.matching import rebuild_all
from referrals.models import Person, PersonMatchKey


class Command(BaseCommand):
    help = "Rebuild the blind keys used to find a person already known."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = rebuild_all(Person, PersonMatchKey)
        self.stdout.write(f"Matching keys rebuilt for {count} people.")
