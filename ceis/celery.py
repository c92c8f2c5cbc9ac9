"""Celery application: tasks take record ids only, never personal data."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ceis.settings")

app = Celery("ceis")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
