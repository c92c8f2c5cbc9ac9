"""Settings of the benchmark: production settings (DEBUG off, the same middleware), one change.

Static files are served by plain ``StaticFilesStorage`` so that no ``collectstatic`` manifest is needed
(building URLs for static files is not what is measured here).
"""

from ceis.settings import *  # noqa: F403
from ceis.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
