from django.urls import path

from . import views

app_name = "leaders"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/contact/", views.leader_contact, name="contact"),
    path("me/", views.mine, name="mine"),
    path("me/designations/", views.designation_add, name="designation_add"),
    path("me/listing/", views.listing_save, name="listing_save"),
    path("me/listing/withdraw/", views.listing_withdraw, name="listing_withdraw"),
    path("confirmations/", views.confirmations, name="confirmations"),
    path("confirmations/<int:pk>/", views.confirmation, name="confirmation"),
]
