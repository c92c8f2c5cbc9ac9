"""The REST API: the same records, roles and audit as the pages, read through ``ceis.access`` only.

Every endpoint takes a personal token (``Authorization: Bearer ceis_...``); a missing, unknown, expired or
revoked token, or a disabled account, is answered 401. A role without the endpoint, and a record outside the
caller's access, are answered 404, as the pages do. Reads of one record are audited as the pages audit them
(``record_viewed``, with the token's owner as the actor); lists are not, as the list pages are not.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone, translation
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from ceis import access
from ceis.accounts import roles
from ceis.accounts.middleware import confined_role, route_allowed
from ceis.audit.models import Event
from ceis.audit.services import acting_as, event_record, record_viewed
from interviews.models import Interview
from portal import selectors as portal_selectors
from portal import services as portal_services
from protection.models import ProtectionPathway
from referrals.models import ExploitationForm, Referral
from stats import periods
from stats import selectors as stats_selectors

from . import serializers as s

CASE_ROLES = (roles.OPERATOR, roles.COORDINATOR)
# Those of the statistics page (stats.views.STATISTICS_ROLES; tests/api checks they stay the same).
STATISTICS_ROLES = (roles.COORDINATOR, roles.NETWORK)

ERRORS = {
    401: OpenApiResponse(s.ErrorSerializer, description="No valid token: missing, unknown, expired or revoked."),
    404: OpenApiResponse(s.ErrorSerializer, description="Not there, or not within your access."),
    429: OpenApiResponse(s.ErrorSerializer, description="Too many requests with this token: wait and retry."),
}


class Pagination(CursorPagination):
    """Cursor pages (newest first by id): one query per page whatever the depth, no count."""

    ordering = "-id"

    def get_page_size(self, request):
        return settings.API_PAGE_SIZE


class RoleMixin:
    """404 for anyone outside ``roles`` (after authentication and throttling), and for a confined role (partner,
    network) outside its own routes, as the pages do; then her language for the answer."""

    roles: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        user = request.user
        if not (user.is_superuser or any(user.has_role(r) for r in self.roles)):
            raise NotFound
        confined = confined_role(user)
        if confined is not None and not route_allowed(confined, request.resolver_match.view_name):
            raise NotFound
        translation.activate(user.language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


def _mine_only(user) -> bool:
    """Operators read their own records (the "my ..." pages), coordinators all they may see."""
    return not (user.is_superuser or user.is_coordinator)


class CaseListView(RoleMixin, generics.ListAPIView):
    roles = CASE_ROLES
    pagination_class = Pagination


ID = OpenApiParameter("id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH, description="The record's id.")


class CaseDetailView(RoleMixin, generics.RetrieveAPIView):
    roles = CASE_ROLES

    def get_object(self):
        try:
            obj = access.get_visible(self.get_queryset(), self.request.user, pk=self.kwargs["pk"])
        except Http404 as exc:
            raise NotFound from exc
        with acting_as(self.request.user):
            record_viewed(obj)
        return obj


# --- referrals --------------------------------------------------------------------------------------------

REFERRAL_COLUMNS = (
    "id",
    "status",
    "urgency",
    "channel",
    "received_at",
    "referring_body",
    "outcome",
    "closed_at",
    "person__case_code",
)


def _referrals() -> Prefetch:
    return Prefetch("exploitation_forms", queryset=ExploitationForm.objects.only("id", "code"))


@extend_schema(tags=["referrals"], responses={200: s.ReferralSerializer(many=True), **ERRORS})
class ReferralList(CaseListView):
    """Referrals within your access: an operator's own, or every referral for a coordinator."""

    serializer_class = s.ReferralSerializer

    def get_queryset(self):
        user = self.request.user
        qs = access.mine(Referral, user) if _mine_only(user) else access.visible(Referral, user)
        return qs.select_related("person").only(*REFERRAL_COLUMNS).prefetch_related(_referrals())


@extend_schema(tags=["referrals"], parameters=[ID], responses={200: s.ReferralSerializer, **ERRORS})
class ReferralDetail(CaseDetailView):
    """One referral within your access (the read is audited)."""

    serializer_class = s.ReferralSerializer

    def get_queryset(self):
        return Referral.objects.select_related("person").only(*REFERRAL_COLUMNS).prefetch_related(_referrals())


# --- interviews -------------------------------------------------------------------------------------------

INTERVIEW_COLUMNS = (
    "id",
    "referral",
    "number",
    "status",
    "scheduled_at",
    "held_at",
    "duration_minutes",
    "referral__person__case_code",
)


def _interviews():
    return Interview.objects.select_related("referral__person").only(*INTERVIEW_COLUMNS)


@extend_schema(tags=["interviews"], responses={200: s.InterviewSerializer(many=True), **ERRORS})
class InterviewList(CaseListView):
    """Interviews of the referrals within your access."""

    serializer_class = s.InterviewSerializer

    def get_queryset(self):
        user = self.request.user
        if _mine_only(user):
            return _interviews().filter(referral__in=access.mine(Referral, user).values("pk"))
        return access.visible(_interviews(), user)


@extend_schema(tags=["interviews"], parameters=[ID], responses={200: s.InterviewSerializer, **ERRORS})
class InterviewDetail(CaseDetailView):
    """One interview within your access (the read is audited)."""

    serializer_class = s.InterviewSerializer

    def get_queryset(self):
        return _interviews()


# --- pathways ---------------------------------------------------------------------------------------------

PATHWAY_COLUMNS = (
    "id",
    "referral",
    "origin",
    "legal_basis",
    "phase",
    "started_on",
    "ended_on",
    "closure_reason",
    "person__case_code",
)


@extend_schema(tags=["pathways"], responses={200: s.PathwaySerializer(many=True), **ERRORS})
class PathwayList(CaseListView):
    """Social-protection pathways within your access."""

    serializer_class = s.PathwaySerializer

    def get_queryset(self):
        user = self.request.user
        model = ProtectionPathway
        qs = access.mine(model, user) if _mine_only(user) else access.visible(model, user)
        return qs.select_related("person").only(*PATHWAY_COLUMNS)


@extend_schema(tags=["pathways"], parameters=[ID], responses={200: s.PathwaySerializer, **ERRORS})
class PathwayDetail(CaseDetailView):
    """One pathway within your access (the read is audited)."""

    serializer_class = s.PathwaySerializer

    def get_queryset(self):
        return ProtectionPathway.objects.select_related("person").only(*PATHWAY_COLUMNS)


# --- the referral portal (partner accounts) --------------------------------------------------------------


class PortalPagination(Pagination):
    ordering = "-pk"


@extend_schema(tags=["portal"])
class PortalReferrals(RoleMixin, generics.ListCreateAPIView):
    """Partner accounts: send a referral for your body (the answer is only its receipt), or list the status of
    the referrals your body sent through the portal (case code, date, status: never their content)."""

    roles = (roles.PARTNER,)
    pagination_class = PortalPagination
    serializer_class = s.PortalStatusSerializer

    def get_queryset(self):
        return portal_selectors.portal_referrals(self.request.user).annotate(date=TruncDate("received_at"))

    @extend_schema(responses={200: s.PortalStatusSerializer(many=True), **ERRORS})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=s.PortalReferralSerializer,
        responses={
            201: s.ReceiptSerializer,
            400: OpenApiResponse(description="What is missing or wrong, field by field."),
            **ERRORS,
        },
    )
    def post(self, request, *args, **kwargs):
        data = s.PortalReferralSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            with acting_as(request.user):
                referral = portal_services.submit_referral(request.user, data.validated_data)
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            raise serializers.ValidationError(detail) from exc
        receipt = {"case_code": referral.person.case_code, "date": timezone.localdate(referral.received_at)}
        return Response(s.ReceiptSerializer(receipt).data, status=201)


# --- statistics -------------------------------------------------------------------------------------------


@extend_schema(
    tags=["statistics"],
    parameters=[
        OpenApiParameter("year", int, description="Calendar year (default: the current one)."),
        OpenApiParameter("part", str, description="year (default), q1..q4 or m01..m12.", enum=None),
    ],
    responses={
        200: s.StatisticsSerializer,
        400: OpenApiResponse(description="Not a period: a year and part that name none, or one not begun yet."),
        **ERRORS,
    },
)
class Statistics(RoleMixin, generics.GenericAPIView):
    """The service's de-identified statistics for a calendar period: the figures of the statistics page,
    under the same controlled rounding (every figure a multiple of 5 consistent across the year's periods)."""

    serializer_class = s.StatisticsSerializer
    roles = STATISTICS_ROLES

    def get(self, request):
        query = s.StatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        year = query.validated_data.get("year", today.year)
        period = periods.from_part(year, query.validated_data.get("part", "year"))
        if period is None or not periods.has_begun(period, today):
            raise serializers.ValidationError({"year": [translation.gettext("That period has not begun yet.")]})
        data = stats_selectors.statistics(period)
        event_record(
            kind=Event.Kind.EXPORT,
            actor=request.user,
            details={
                "what": "statistics",
                "period": period.slug,
                "from": period.start.isoformat(),
                "to": period.end.isoformat(),
                "format": "api",
            },
        )
        body = {
            "period": {
                "year": period.year,
                "part": period.part,
                "start": period.start,
                "end": period.end,
                "running": period.is_running(today),
            },
            "rule": data["rule"],
            "rounded": data["rounded"],
            "sections": data["sections"],
        }
        return Response(s.StatisticsSerializer(body).data)
