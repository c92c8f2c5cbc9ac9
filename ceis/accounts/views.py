from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .forms import LoginForm


def home(request):
    """Each role lands on its own workspace."""
    user = request.user
    if user.is_coordinator:
        return redirect("referrals:all")
    if user.is_operator:
        return redirect("referrals:mine")
    if user.is_admin_role or user.is_superuser:
        return redirect("partners:list")
    return redirect("notifications:list")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


LoginView = login_not_required(LoginView.as_view())  # type: ignore[assignment,misc]


@require_POST
def set_language(request):
    """Save the user's interface language on her account (Italian by default, English second)."""
    language = request.POST.get("language")
    if language in dict(request.user._meta.get_field("language").choices):
        request.user.language = language
        request.user.save(update_fields=["language"])
        translation.activate(language)
    target = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    return HttpResponseRedirect(target)
