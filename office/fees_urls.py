"""The office's fees, under /networks/<slug>/office/fees/ (included by office.urls; no
app_name of its own, so the names join the office's: office:fees, office:fee_invoice ...)."""

from django.urls import path

from . import fees_views as views

urlpatterns = [
    path("", views.fees_home, name="fees"),
    path("scheme/", views.fee_scheme, name="fee_scheme"),
    path("raise/", views.fee_invoices_raise, name="fee_invoices_raise"),
    path("reminders/", views.fee_reminders, name="fee_reminders"),
    path("bank-statement/", views.bank_statement, name="bank_statement"),
    path("invoices/<int:pk>/", views.fee_invoice, name="fee_invoice"),
    path("invoices/<int:pk>/pdf/", views.fee_invoice_pdf, name="fee_invoice_pdf"),
    path("invoices/<int:pk>/payment/", views.fee_payment, name="fee_payment"),
    path("invoices/<int:pk>/waive/", views.fee_waive, name="fee_waive"),
    path("invoices/<int:pk>/reissue/", views.fee_reissue, name="fee_reissue"),
]
