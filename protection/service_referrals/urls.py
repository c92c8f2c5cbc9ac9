from django.urls import path

from . import views

app_name = "service_referrals"

urlpatterns = [
    path("", views.service_list, name="list"),
    path("new/pathway/<int:pathway_pk>/", views.request_for_pathway, name="new_for_pathway"),
    path("new/referral/<int:referral_pk>/", views.request_for_referral, name="new_for_referral"),
    path("<int:pk>/", views.detail, name="detail"),
]
