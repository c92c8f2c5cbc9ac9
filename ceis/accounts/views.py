from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from two_factor.views import LoginView as TwoFactorLoginView

from .forms import LoginForm
from .middleware import EXPIRED


def home(request):
    """Each role lands on its own workspace."""
    user = request.user
    if user.is_partner:
        return redirect("portal:home")
    if user.is_network:
        return redirect("caseload:statistics")
    if user.is_coordinator:
        return redirect("referrals:all")
    if user.is_operator:
        return redirect("referrals:mine")
    if user.is_admin_role or user.is_superuser:
        return redirect("partners:list")
    return redirect("notifications:list")


class LoginView(TwoFactorLoginView):
    """django-two-factor-auth's login wizard: password, then (when the account has a device) a code.

    The password step's fields keep their plain names (``username``, ``password``): django-axes counts the
    failures of that step through Django's ``user_login_failed`` signal and reads the username from the POST.
    A POST that carries no wizard step is taken as the password step.
    """

    template_name = "accounts/login.html"
    form_list = (
        (TwoFactorLoginView.AUTH_STEP, LoginForm),
        *TwoFactorLoginView.form_list[1:],
    )
    redirect_authenticated_user = True

    def get_form_prefix(self, step=None, form=None):
        return ""

    def post(self, *args, **kwargs):
        step_field = f"{self.prefix}-current_step"
        if step_field not in self.request.POST:
            data = self.request.POST.copy()
            data[step_field] = self.AUTH_STEP
            self.request.POST = data
        return super().post(*args, **kwargs)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        context["session_expired"] = self.request.session.pop(EXPIRED, False)
        context.pop("cancel_url", None)
        return context


LoginView = login_not_required(LoginView.as_view())  # type: ignore[assignment,misc]


@login_not_required
def admin_login(request, extra_context=None):
    """The Django admin's login page: our login wizard (password and second factor), then back to the admin."""
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The one-time link an admin's new account (or a resend) brings: choose a password, validators applied.

    Django's reset token hashes the current password: once a password is set, this link and every earlier one
    stop working; they also expire after PASSWORD_RESET_TIMEOUT. The token leaves the URL for the session at once.
    """

    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Log in with it."))
        return response


SetPasswordView = login_not_required(SetPasswordView.as_view())  # type: ignore[assignment,misc]


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
