from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.my_referrals, name="mine"),
    path("all/", views.all_referrals, name="all"),
    path("new/", views.intake, name="intake"),
    path("search/", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/attach/", views.attach, name="attach"),
    path("<int:pk>/unassign/<int:user_pk>/", views.unassign, name="unassign"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/merge/", views.person_merge, name="person_merge"),
    path("people/<int:pk>/merge/<int:other_pk>/", views.person_merge_confirm, name="person_merge_confirm"),
    path("merges/<int:pk>/undo/", views.merge_undo, name="merge_undo"),
]
