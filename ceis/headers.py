"""Response headers that Django's SecurityMiddleware and django-csp do not set.

- ``Cache-Control: no-store`` on every response the application itself builds: case pages must not
  stay in a shared computer's browser cache or in a proxy after logout. Static files are served by
  whitenoise above this middleware and keep their long-lived caching.
- ``Permissions-Policy`` (``settings.PERMISSIONS_POLICY``): no page needs the camera, the microphone
  or the location.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response
