from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.body_list, name="list"),
]
