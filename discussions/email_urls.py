"""Mounted at /email/discussions/ (config.urls): the unsubscribe link of discussion emails."""

from django.urls import path

from . import email_views

app_name = "discussions_email"

urlpatterns = [
    path("unsubscribe/<str:token>/", email_views.unsubscribe, name="unsubscribe"),
]
