"""Mounted at /me/discussions/ (config.urls): a person's own posts, across networks."""

from django.urls import path

from . import views

app_name = "my_discussions"

urlpatterns = [
    path("remove-posts/", views.remove_my_posts, name="remove_posts"),
]
