from django.urls import path

from . import views

app_name = "service"

urlpatterns = [
    path("", views.edit, name="settings"),
    path("logo/", views.logo, name="logo"),
]
