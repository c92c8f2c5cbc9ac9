from django.urls import path

from . import part_views

app_name = "pathway_parts"

urlpatterns = [
    path("<int:pathway_pk>/goal/<int:goal_pk>/review/", part_views.review, name="review"),
    path("<int:pathway_pk>/<slug:part>/new/", part_views.add, name="add"),
    path("<int:pathway_pk>/<slug:part>/<int:pk>/", part_views.edit, name="edit"),
]
