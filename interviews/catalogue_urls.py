from django.urls import path

from . import catalogue_views as views
from .versions import views as versions

app_name = "catalogue"

urlpatterns = [
    path("", views.catalogue_list, name="list"),
    path("new/", views.indicator_create_view, name="create"),
    path("<int:pk>/edit/", views.indicator_edit, name="edit"),
    path("versions/", versions.version_list, name="versions"),
    path("versions/template.<str:fmt>", versions.template_download, name="template"),
    path("versions/import/", versions.version_import, name="import"),
    path("versions/<int:pk>/", versions.version_detail, name="version"),
    path("versions/<int:pk>/export.<str:fmt>", versions.version_export, name="export"),
    path("versions/<int:pk>/publish/", versions.version_publish, name="publish"),
    path("versions/<int:pk>/retire/", versions.version_retire, name="retire"),
    path("versions/<int:pk>/correct/", versions.version_correct, name="correct"),
    path("versions/<int:pk>/discard/", versions.version_discard, name="discard"),
    path("versions/<int:pk>/check/", versions.version_check, name="check"),
    path("versions/<int:pk>/verify/", versions.version_verify, name="verify"),
]
