from django.urls import path

from . import views

app_name = "fees"

urlpatterns = [
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice"),
]
