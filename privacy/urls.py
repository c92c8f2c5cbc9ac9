from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.index, name="index"),
    path("person/<int:pk>/", views.person, name="person"),
    path("person/<int:pk>/export.json", views.export_json, name="export_json"),
    path("person/<int:pk>/export/", views.export_print, name="export_print"),
    path("person/<int:pk>/export.pdf", views.export_pdf, name="export_pdf"),
    path("person/<int:pk>/restrict/", views.restrict, name="restrict"),
    path("person/<int:pk>/restrict/lift/", views.restrict_lift, name="restrict_lift"),
    path("person/<int:pk>/hold/", views.hold, name="hold"),
    path("person/<int:pk>/hold/lift/", views.hold_lift, name="hold_lift"),
    path("person/<int:pk>/erase/", views.erase, name="erase"),
    path("retention/", views.rules, name="rules"),
    path("retention/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("retention/lists/", views.runs, name="runs"),
    path("retention/lists/<int:pk>/", views.run, name="run"),
    path("retention/candidates/<int:pk>/exclude/", views.candidate_exclude, name="candidate_exclude"),
]
