from __future__ import annotations

from functools import wraps

from django.http import Http404


def role_required(*role_names: str):
    """Answer 404 (not 403) to anyone outside these roles: a route reveals nothing to them."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not (user.is_authenticated and (user.is_superuser or any(user.has_role(r) for r in role_names))):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def permissions_or_404(*perms: str):
    """Answer 404 (not 403, not a login redirect) to a signed-in user without these model permissions."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.has_perms(perms):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
