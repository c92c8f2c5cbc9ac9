from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import roles


class User(AbstractUser):
    language = models.CharField(_("interface language"), max_length=8, choices=settings.LANGUAGES, default="it")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def has_role(self, role: str) -> bool:
        # Cached per instance: templates ask several times per page.
        cache = self.__dict__.setdefault("_role_cache", None)
        if cache is None:
            cache = set(self.groups.values_list("name", flat=True))
            self.__dict__["_role_cache"] = cache
        return role in cache

    @property
    def is_operator(self) -> bool:
        return self.has_role(roles.OPERATOR)

    @property
    def is_coordinator(self) -> bool:
        return self.has_role(roles.COORDINATOR)

    @property
    def is_admin_role(self) -> bool:
        return self.has_role(roles.ADMIN)
