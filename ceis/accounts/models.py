from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from . import roles


class User(AbstractUser):
    language = models.CharField(_("interface language"), max_length=8, choices=settings.LANGUAGES, default="it")
    # Where known: interviews compare it with the person's gender (the asylum guidelines ask for an interviewer of
    # the person's sex).
    sex = models.CharField(
        _("sex"), max_length=10, blank=True, choices=[("female", _("female")), ("male", _("male"))], default=""
    )
    # The partner body a portal account (role ``ente``) works for: it submits for that body and sees that body's
    # referrals only. Required for that role (``UserForm``, ``services.user_create``), empty for the others.
    partner_body = models.ForeignKey(
        "partners.PartnerBody",
        verbose_name=_("partner body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_users",
        help_text=_("Only for partner accounts: the body they work for."),
    )
    # Bumped to end every session of the account at once (logout, deactivation): it is part of the session hash.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        indexes = [models.Index(fields=["is_active", "username"], name="accounts_user_active_idx")]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret=None):
        # Django's hash of the password hash, plus the epoch: a change to either ends the sessions signed with it.
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def has_role(self, role: str) -> bool:
        # Cached per instance: templates ask several times per page.
        # Cached per instance: templates ask several times per page. Read with her permissions and her unread
        # count in one query (ceis.accounts.backends.load).
        cache = self.__dict__.get("_role_cache")
        if cache is None:
            from .backends import load

            load(self)
            cache = self.__dict__.setdefault("_role_cache", set())
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

    @property
    def is_partner(self) -> bool:
        return self.has_role(roles.PARTNER)

    @property
    def is_network(self) -> bool:
        return self.has_role(roles.NETWORK)
