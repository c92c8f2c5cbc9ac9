from django.urls import path

from . import report_views

app_name = "reports"

urlpatterns = [
    path("referral/<int:referral_pk>/new/", report_views.create, name="new"),
    path("<int:pk>/edit/", report_views.edit, name="edit"),
    path("<int:pk>/print/", report_views.print_page, name="print"),
    path("<int:pk>/sent/", report_views.sent, name="sent"),
    path("<int:pk>/pdf/", report_views.draft_pdf, name="pdf"),
    path("<int:pk>/sent/<int:version>/pdf/", report_views.sent_pdf, name="sent_pdf"),
]
