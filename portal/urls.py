from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.submit, name="submit"),
    path("<int:pk>/", views.receipt, name="receipt"),
]
