from django.urls import path

from . import views

app_name = "materials"

urlpatterns = [
    path("", views.material_list, name="list"),
    path("new/", views.material_create, name="create"),
    path("<int:pk>/", views.material_detail, name="detail"),
    path("<int:pk>/edit/", views.material_edit, name="edit"),
    path("<int:pk>/deactivate/", views.material_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.material_reactivate, name="reactivate"),
    path("<int:pk>/download/", views.material_download, name="download"),
    path("languages/", views.language_list, name="languages"),
    path("languages/new/", views.language_create, name="language_create"),
    path("languages/<int:pk>/edit/", views.language_edit, name="language_edit"),
    path("languages/<int:pk>/deactivate/", views.language_deactivate, name="language_deactivate"),
    path("languages/<int:pk>/reactivate/", views.language_reactivate, name="language_reactivate"),
]
