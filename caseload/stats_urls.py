"""Statistics, their exports and the monthly reports: joined to the "caseload" namespace."""

from django.urls import path

from . import stats_views

urlpatterns = [
    path("statistics/", stats_views.statistics, name="statistics"),
    path("statistics/export.csv", stats_views.statistics_csv, name="statistics_csv"),
    path("statistics/export.xlsx", stats_views.statistics_xlsx, name="statistics_xlsx"),
    path("reports/", stats_views.reports, name="reports"),
    path("reports/<str:month>.csv", stats_views.report_csv, name="report_csv"),
    path("reports/<str:month>.pdf", stats_views.report_pdf, name="report_pdf"),
]
