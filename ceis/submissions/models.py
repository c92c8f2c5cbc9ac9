from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone


class Submission(models.Model):
    """A submission token that was used: who, when, and what its first submission led to (nothing personal)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)  # sha256 of the token's random part
    created_at = models.DateTimeField(db_index=True)  # when the token was issued (the form rendered)
    consumed_at = models.DateTimeField(null=True, blank=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    redirect_url = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "submission token"

    def __str__(self) -> str:
        return f"submission {self.pk}"

    @classmethod
    def claim(cls, *, user, token_hash: str, created_at) -> Submission | None:
        """Insert the token's row, or ``None`` when it is already there (used, or being used right now).

        One statement, ``ON CONFLICT DO NOTHING``: while another transaction holds the same hash it waits for
        that one to end, then inserts (it rolled back) or not (it committed); no error, so no savepoint.
        """
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (user_id, token_hash, created_at, redirect_url) VALUES (%s, %s, %s, '') "
                "ON CONFLICT (token_hash) DO NOTHING RETURNING id",
                [user.pk, token_hash, connection.ops.adapt_datetimefield_value(created_at)],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        return cls(pk=row[0], user=user, token_hash=token_hash, created_at=created_at, redirect_url="")

    def record(self, redirect_url: str, obj=None) -> None:
        self.consumed_at = timezone.now()
        self.redirect_url = redirect_url[:500]
        if obj is not None and getattr(obj, "pk", None) is not None:
            self.content_type = ContentType.objects.get_for_model(obj)
            self.object_id = obj.pk
        self.save(update_fields=["consumed_at", "redirect_url", "content_type", "object_id"])
