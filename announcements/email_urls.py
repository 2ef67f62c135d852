from django.urls import path

from . import email_views

app_name = "email"

urlpatterns = [
    path("unsubscribe/<str:token>/", email_views.unsubscribe, name="unsubscribe"),
]
