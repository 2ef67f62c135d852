"""The network office, at /networks/<slug>/office/: each part brings its own URLs.

This file holds the office's own pages (waiting work, members, history); fees,
invitations and imports add theirs under their own prefixes (fees/, invitations/)."""

from django.urls import include, path

from . import views

app_name = "office"

urlpatterns = [
    path("", views.home, name="home"),
    path("members/", views.members, name="members"),
    path("members/export.csv", views.members_export, name="members_export"),
    path("members/action/", views.member_action, name="member_action"),
    path("members/<int:pk>/decline/", views.member_decline, name="member_decline"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("history/", views.history, name="history"),
    path("fees/", include("office.fees_urls")),
    path("", include("office.import_urls")),
]
