"""Mounted at /networks/<slug>/voice/: polls, decisions and representatives."""

from django.urls import URLPattern

app_name = "voice"

urlpatterns: list[URLPattern] = []
