from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("<slug:attach>/<int:pk>/add/", views.add, name="add"),
    path("<int:pk>/download/", views.download, name="download"),
]
