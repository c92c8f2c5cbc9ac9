from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.body_list, name="list"),
    path("new/", views.body_create, name="create"),
    path("<int:pk>/", views.body_detail, name="detail"),
    path("<int:pk>/edit/", views.body_edit, name="edit"),
    path("<int:pk>/deactivate/", views.body_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.body_reactivate, name="reactivate"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", views.contact_edit, name="contact_edit"),
    path("<int:pk>/contacts/<int:contact_pk>/deactivate/", views.contact_deactivate, name="contact_deactivate"),
    path("<int:pk>/contacts/<int:contact_pk>/reactivate/", views.contact_reactivate, name="contact_reactivate"),
]
