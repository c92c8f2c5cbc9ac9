from django.urls import path

from . import reach_views

app_name = "reach"

urlpatterns = [
    path("", reach_views.overview, name="overview"),
    path("language-gap/", reach_views.language_gap, name="language_gap"),
]
