from django.urls import path

from . import views

app_name = "feeds"

urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("revoke/", views.revoke, name="revoke"),
    path("<str:token>.ics", views.feed, name="feed"),
]
