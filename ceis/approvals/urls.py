from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/send-back/", views.send_back, name="send_back"),
]
