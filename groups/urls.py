from django.urls import path

from . import views

app_name = "groups"

urlpatterns = [
    path("", views.my_sessions, name="mine"),
    path("all/", views.all_sessions, name="all"),
    path("upcoming/", views.upcoming, name="upcoming"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/follow-ups/", views.follow_ups, name="follow_ups"),
    path("<int:pk>/hold/", views.hold, name="hold"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    # --- Other parts of the groups app: add their url lines below this line. ---
]
