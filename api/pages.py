"""The pages around the API: the user's tokens (in her account area) and the documentation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from drf_spectacular.generators import SchemaGenerator

from . import services
from .forms import TokenForm
from .models import ApiToken

SHOWN_TOKENS = 50  # a user's newest tokens; older ones are long expired or revoked


def verified(user) -> bool:
    """A token is a credential of its own: only a session opened with the second factor makes one."""
    return user.is_verified()


@require_http_methods(["GET", "POST"])
def tokens(request):
    """GET: her tokens. POST: a new one, whose secret is shown on this response only."""
    user = request.user
    form = TokenForm(request.POST or None)
    secret = None
    may_create = verified(user)
    if request.method == "POST":
        if not may_create:
            messages.error(request, _("Sign in with your second factor to create a token."))
            return redirect("api_tokens:list")
        if form.is_valid():
            token, secret = services.token_create(
                user=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
            form = TokenForm()
    rows = list(ApiToken.objects.filter(user=user)[:SHOWN_TOKENS])
    return render(
        request,
        "api/tokens.html",
        {"form": form, "secret": secret, "tokens": rows, "may_create": may_create},
    )


def revoke(request, pk: int):
    """POST: revoke one of her own tokens. Anyone else's, or an unknown one, is a 404 (whatever the method)."""
    if not ApiToken.objects.filter(user=request.user, pk=pk).exists():
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not services.token_revoke(user=request.user, pk=pk):
        messages.info(request, _("This token was already revoked."))
        return redirect("api_tokens:list")
    messages.success(request, _("The token no longer works."))
    return redirect("api_tokens:list")


def _operations(schema: dict) -> list[dict]:
    rows = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {
                    "name": p["name"],
                    "where": p["in"],
                    "required": p.get("required", False),
                    "text": p.get("description", ""),
                }
                for p in op.get("parameters", [])
            ]
            rows.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "id": op.get("operationId", ""),
                    "tag": (op.get("tags") or [""])[0],
                    "text": op.get("description", ""),
                    "params": params,
                    "responses": sorted(op.get("responses", {})),
                }
            )
    return rows


@require_safe
def docs(request):
    """The API's documentation, drawn on the server from the OpenAPI schema (no script, no CDN)."""
    schema = SchemaGenerator(patterns=None, urlconf=settings.ROOT_URLCONF).get_schema(request=None, public=True)
    return render(
        request,
        "api/docs.html",
        {
            "operations": _operations(schema),
            "info": schema.get("info", {}),
            "max_days": settings.API_TOKEN_MAX_DAYS,
            "schema_url": reverse("api:schema"),
            "tokens_url": reverse("api_tokens:list"),
        },
    )
