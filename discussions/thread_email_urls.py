"""Mounted at /networks/<slug>/discussions/ (config.urls), beside discussions.urls: a
thread's follow / mute form."""

from django.urls import path

from . import email_views

app_name = "discussions_thread_email"

urlpatterns = [
    path("<int:pk>/email/", email_views.thread_email, name="choice"),
]
