"""The API under /api/v1/: token authentication only (``api.authentication``)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated

from . import pages, views
from .authentication import TokenAuthentication


def _api(view):
    # The API answers 401 itself: no redirect to the login page for a program.
    return login_not_required(view.as_view())


class SchemaView(SpectacularJSONAPIView):
    """The OpenAPI 3 schema: for a token, or for a signed-in user's session (the documentation page links it)."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]


app_name = "api"
urlpatterns = [
    path("docs/", pages.docs, name="docs"),  # a page: signed-in users, like every page
    path("v1/schema/", _api(SchemaView), name="schema"),
    path("v1/referrals/", _api(views.ReferralList), name="referrals"),
    path("v1/referrals/<int:pk>/", _api(views.ReferralDetail), name="referral"),
    path("v1/interviews/", _api(views.InterviewList), name="interviews"),
    path("v1/interviews/<int:pk>/", _api(views.InterviewDetail), name="interview"),
    path("v1/pathways/", _api(views.PathwayList), name="pathways"),
    path("v1/pathways/<int:pk>/", _api(views.PathwayDetail), name="pathway"),
    path("v1/statistics/", _api(views.Statistics), name="statistics"),
    path("v1/portal/referrals/", _api(views.PortalReferrals), name="portal_referrals"),
]
