from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevdataConfig(AppConfig):
    """Development data: the demo (``seed_demo``), the load-test accounts (``seed_load``) and the benchmark's
    synthetic dataset (``seed_scale``). Commands only: no models, no URLs, nothing a user reaches. It sits on
    top of every app (it fills them all) and no runtime app imports it."""

    name = "devdata"
    verbose_name = _("Development data")

    def ready(self):
        from .demo import consent, interviews  # noqa: F401  (connect the demo_seeded receivers)
