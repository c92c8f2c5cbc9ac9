from django.urls import path

from . import views
from .mediators import views as mediators

app_name = "interviews"

urlpatterns = [
    path("", views.interview_list, name="list"),
    path("agenda/", views.agenda, name="agenda"),
    path("substitute-lists/", views.substitution, name="substitution"),
    path("mediators/", mediators.mediator_list, name="mediators"),
    path("mediators/new/", mediators.mediator_create, name="mediator_create"),
    path("mediators/<int:pk>/edit/", mediators.mediator_edit, name="mediator_edit"),
    path("referral/<int:referral_pk>/", views.for_referral, name="for_referral"),
    path("referral/<int:referral_pk>/schedule/", views.schedule, name="schedule"),
    path("referral/<int:referral_pk>/record/", views.record, name="record"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
]
