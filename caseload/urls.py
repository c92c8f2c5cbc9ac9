from django.urls import include, path

from caseload import views

app_name = "caseload"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reassign/", views.reassign, name="reassign"),
    path("operator/<int:user_pk>/", views.operator_records, name="operator"),
    path("export.csv", views.export_csv, name="export"),
    # Statistics, their exports and the monthly reports: the stats app, under this namespace and path.
    path("", include("stats.urls")),
]
