from django.urls import path

from . import user_views as views

app_name = "users"

urlpatterns = [
    path("", views.user_list, name="list"),
    path("new/", views.user_create, name="create"),
    path("<int:pk>/edit/", views.user_edit, name="edit"),
    path("<int:pk>/deactivate/", views.user_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.user_reactivate, name="reactivate"),
    path("<int:pk>/send-link/", views.user_send_link, name="send_link"),
    path("<int:pk>/reset-two-factor/", views.user_reset_two_factor, name="reset_two_factor"),
    path("<int:pk>/unlock/", views.user_unlock, name="unlock"),
]
