from django.urls import path

from . import views

app_name = "pathway_parts"

urlpatterns = [
    path("<int:pathway_pk>/goal/<int:goal_pk>/review/", views.review, name="review"),
    path("<int:pathway_pk>/goal/<int:goal_pk>/approve/", views.approve_goal, name="approve_goal"),
    path("<int:pathway_pk>/<slug:part>/new/", views.add, name="add"),
    path("<int:pathway_pk>/<slug:part>/<int:pk>/", views.edit, name="edit"),
]
