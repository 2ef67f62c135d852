"""Mounted at /networks/<slug>/ (config.urls): polls, decisions and representatives."""

from django.urls import path

from . import views

app_name = "voice"

urlpatterns = [
    path("polls/", views.poll_list, name="poll_list"),
    path("polls/new/", views.poll_new, name="poll_new"),
    path("polls/new/<slug:kind>/", views.poll_create, name="poll_create"),
    path("polls/<int:pk>/", views.poll_detail, name="poll_detail"),
    path("polls/<int:pk>/edit/", views.poll_edit, name="poll_edit"),
    path("polls/<int:pk>/open/", views.poll_open, name="poll_open"),
    path("polls/<int:pk>/vote/", views.vote, name="vote"),
]
