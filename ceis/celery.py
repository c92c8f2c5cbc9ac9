"""Celery application: tasks take record ids only, never personal data."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceis.settings")

app = Celery("ceis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def _refuse_without_secrets(**kwargs):
    from ceis.startup import require_secrets

    require_secrets()
