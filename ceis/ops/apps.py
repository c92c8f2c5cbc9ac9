from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations on the whole installation: backup and restore, key rotation (management commands only)."""

    name = "ceis.ops"
    label = "ops"
    verbose_name = "operations"
