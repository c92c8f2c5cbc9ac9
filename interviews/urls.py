from django.urls import path

from . import views

app_name = "interviews"

urlpatterns = [
    path("", views.interview_list, name="list"),
    path("agenda/", views.agenda, name="agenda"),
    path("substitute-lists/", views.substitution, name="substitution"),
    path("referral/<int:referral_pk>/", views.for_referral, name="for_referral"),
    path("referral/<int:referral_pk>/schedule/", views.schedule, name="schedule"),
    path("referral/<int:referral_pk>/record/", views.record, name="record"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
]
