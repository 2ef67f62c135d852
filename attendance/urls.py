"""Mounted at the site root: /meetings/<pk>/register-of-attendance/..., /me/cpd/...,
/networks/<slug>/participation/..."""

from django.urls import URLPattern, path

from . import participation_views

app_name = "attendance"

urlpatterns: list[URLPattern] = [
    path(
        "networks/<slug:slug>/participation/",
        participation_views.participation_page,
        name="participation",
    ),
    path(
        "networks/<slug:slug>/participation.csv",
        participation_views.participation_csv,
        name="participation_csv",
    ),
]
