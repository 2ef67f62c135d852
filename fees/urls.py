from django.urls import path

from . import views

app_name = "fees"

urlpatterns = [
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("schools/<int:urn>/finance-contact/", views.finance_contact, name="finance_contact"),
]
