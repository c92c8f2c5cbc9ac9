from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from ceis.submissions import tokens
from ceis.submissions.models import Submission


def purge_expired() -> int:
    """Delete the rows of tokens that can no longer be sent (expired): one statement, nothing else kept."""
    cutoff = timezone.now() - timedelta(seconds=tokens.max_age_seconds())
    deleted, _ = Submission.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@shared_task(ignore_result=True)
def purge_expired_submissions() -> int:
    """Periodic (daily): forget the used tokens that have expired."""
    return purge_expired()
