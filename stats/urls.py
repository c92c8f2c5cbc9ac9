"""Statistics, their exports and the monthly reports.

Included by ``caseload/urls.py`` under the "caseload" namespace, so their paths (``/caseload/statistics/``)
and names (``caseload:statistics``) stay as they were before the statistics became an app.
"""

from django.urls import path

from . import views

urlpatterns = [
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/export.csv", views.statistics_csv, name="statistics_csv"),
    path("statistics/export.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
    path("reports/", views.reports, name="reports"),
    path("reports/<str:month>.csv", views.report_csv, name="report_csv"),
    path("reports/<str:month>.xlsx", views.report_xlsx, name="report_xlsx"),
    path("reports/<str:month>.pdf", views.report_pdf, name="report_pdf"),
    path("reports/<str:month>/", views.report, name="report"),
]
