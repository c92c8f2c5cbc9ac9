from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def pending_closures(request):
    """Closures waiting for approval, for a coordinator's navigation bar, computed only if a template asks."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        if not user.is_coordinator:  # reads her roles (ceis.accounts.backends.load), and the count with them
            return 0
        known = getattr(user, "_pending_closures", None)
        if known is not None:
            return known
        from .models import ClosureRequest

        return ClosureRequest.objects.filter(status=ClosureRequest.Status.PENDING).count()

    return {"pending_closures": SimpleLazyObject(count)}
