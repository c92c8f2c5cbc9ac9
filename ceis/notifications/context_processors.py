from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def unread_notifications(request):
    """Unread count for the navigation bar, computed only if a template asks for it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        # Read with her roles and permissions when the page asked for them (ceis.accounts.backends.load).
        known = getattr(user, "_unread_notifications", None)  # request.user is a lazy object: getattr reaches it
        if known is not None:
            return known
        return user.notifications.filter(read_at__isnull=True).count()

    return {"unread_notifications": SimpleLazyObject(count)}
