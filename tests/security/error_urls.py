"""Test-only URLs: the site plus views that fail on purpose, to show the error pages."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from ceis.urls import urlpatterns as site_urlpatterns

SECRET_DETAIL = "LU-2026-4242 Maria Segreta"


@login_not_required
def server_error(request):
    raise RuntimeError(f"failed while reading {SECRET_DETAIL}")


@login_not_required
def bad_request(request):
    raise SuspiciousOperation(f"bad input about {SECRET_DETAIL}")


@login_not_required
def permission_denied(request):
    raise PermissionDenied(f"no access to {SECRET_DETAIL}")


urlpatterns = [
    path("test-only/500/", server_error),
    path("test-only/400/", bad_request),
    path("test-only/403/", permission_denied),
    *site_urlpatterns,
]
