from django.urls import path

from . import catalogue_views as views

app_name = "catalogue"

urlpatterns = [
    path("", views.catalogue_list, name="list"),
    path("new/", views.indicator_create_view, name="create"),
    path("<int:pk>/edit/", views.indicator_edit, name="edit"),
]
