"""Mounted at the site root: /meetings/<pk>/register-of-attendance/..., /me/cpd/...,
/networks/<slug>/participation/..."""

from django.urls import URLPattern

app_name = "attendance"

urlpatterns: list[URLPattern] = []
