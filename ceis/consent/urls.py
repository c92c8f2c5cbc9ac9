from django.urls import path

from . import views

app_name = "consent"

urlpatterns = [
    path("person/<int:person_pk>/", views.person_consents, name="person"),
    path("person/<int:person_pk>/new/", views.consent_create, name="new"),
    path("person/<int:person_pk>/legal-basis/new/", views.legal_basis_create, name="legal_basis_new"),
    path("<int:pk>/withdraw/", views.consent_withdraw, name="withdraw"),
]
