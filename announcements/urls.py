"""Mounted at /networks/<slug>/announcements/ (config.urls)."""

from django.urls import path

from . import views

app_name = "announcements"

urlpatterns = [
    path("", views.archive, name="archive"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/discard/", views.discard, name="discard"),
]
