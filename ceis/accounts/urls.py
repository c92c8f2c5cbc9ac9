from django.contrib.auth import views as auth_views
from django.urls import include, path
from two_factor import views as two_factor_views

from . import views

# django-two-factor-auth's own views under its namespace (its code reverses "two_factor:..."); its login view
# is ours, at "login". No phone methods, no "disable": with REQUIRE_2FA a device is not optional.
two_factor_patterns = (
    [
        path("", two_factor_views.ProfileView.as_view(), name="profile"),
        path("setup/", two_factor_views.SetupView.as_view(), name="setup"),
        path("setup/qrcode/", two_factor_views.QRGeneratorView.as_view(), name="qr"),
        path("setup/complete/", two_factor_views.SetupCompleteView.as_view(), name="setup_complete"),
        path("backup-codes/", two_factor_views.BackupTokensView.as_view(), name="backup_tokens"),
    ],
    "two_factor",
)

urlpatterns = [
    path("login/", views.LoginView, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("two-factor/", include(two_factor_patterns)),
    path("set-password/<uidb64>/<token>/", views.SetPasswordView, name="set_password"),
    path("users/", include("ceis.accounts.user_urls")),
]
