"""Test-only URLs: the site plus one page that breaks the Content-Security-Policy on purpose."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from ceis.urls import urlpatterns as site_urlpatterns

VIOLATING_PAGE = engines["django"].from_string(
    """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CSP test</title></head><body>
<p id="styled" style="color: red">inline style</p>
<script nonce="{{ request.csp_nonce }}">document.body.dataset.nonced = "ran";</script>
<script>document.body.dataset.inline = "ran";</script>
</body></html>"""
)


@login_not_required
def violating_page(request):
    return HttpResponse(VIOLATING_PAGE.render({}, request))


urlpatterns = [path("test-only/csp-violation/", violating_page), *site_urlpatterns]
