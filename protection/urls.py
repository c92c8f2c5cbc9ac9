from django.urls import path

from . import views

app_name = "protection"

urlpatterns = [
    path("", views.my_pathways, name="mine"),
    path("all/", views.all_pathways, name="all"),
    path("new/transfer/", views.open_transfer, name="open_transfer"),
    path("new/from-referral/<int:referral_pk>/", views.open_from_referral, name="open_from_referral"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/phase/", views.change_phase, name="phase"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/unassign/<int:user_pk>/", views.unassign, name="unassign"),
]
