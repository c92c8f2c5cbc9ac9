from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from ceis import health
from ceis.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),  # public: load balancers and process managers
    path("accounts/api-tokens/", include("api.token_urls")),
    path("accounts/", include("ceis.accounts.urls")),
    path("api/", include("api.urls")),
    path("partners/", include("ceis.partners.urls")),
    path("referrals/", include("referrals.urls")),
    path("interviews/reports/", include("interviews.report_urls")),
    path("interviews/catalogue/", include("interviews.catalogue_urls")),
    path("interviews/", include("interviews.urls")),
    path("groups/reach/", include("groups.reach_urls")),
    path("groups/materials/", include("materials.urls")),
    path("groups/", include("groups.urls")),
    path("protection/parts/", include("protection.parts.urls")),
    path("protection/services/", include("protection.service_referrals.urls")),
    path("protection/", include("protection.urls")),
    path("caseload/", include("caseload.urls")),
    path("notifications/", include("ceis.notifications.urls")),
    path("calendar/", include("ceis.feeds.urls")),
    path("privacy/", include("privacy.urls")),
    path("documents/", include("documents.urls")),
    path("service/", include("ceis.service.urls")),
    path("audit/", include("ceis.audit.urls")),
    path("consent/", include("ceis.consent.urls")),
    path("approvals/", include("ceis.approvals.urls")),
    path("portal/", include("portal.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
