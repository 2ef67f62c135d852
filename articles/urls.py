"""Mounted at the site root: /networks/<slug>/articles..., /networks/<slug>/stories/..."""

from django.urls import path

from . import views

app_name = "articles"

base = "networks/<slug:slug>/"
urlpatterns = [
    path(f"{base}articles/", views.article_list, name="list"),
    path(f"{base}articles.atom", views.article_feed, name="feed"),
    path(f"{base}articles/new/", views.article_create, name="create"),
    path(f"{base}articles/<slug:article_slug>/", views.article_detail, name="detail"),
    path(f"{base}articles/<slug:article_slug>/edit/", views.article_edit, name="edit"),
    path(f"{base}articles/<slug:article_slug>/publish/", views.article_publish, name="publish"),
    path(
        f"{base}articles/<slug:article_slug>/unpublish/",
        views.article_unpublish,
        name="unpublish",
    ),
    path(f"{base}stories/", views.story_list, name="stories"),
    path(f"{base}stories/new/", views.story_new, name="story_new"),
    # Under stories/new/: core.logfilters keeps the path out of every log line.
    path(f"{base}stories/new/sent/", views.story_sent, name="story_sent"),
    path(f"{base}stories/<int:pk>/", views.story_detail, name="story"),
    path(f"{base}stories/private/<str:token>/", views.story_private, name="story_private"),
    path(
        f"{base}stories/private/<str:token>/withdraw/",
        views.story_withdraw,
        name="story_withdraw",
    ),
    path(f"{base}stories/moderation/", views.moderation, name="moderation"),
    path(f"{base}stories/moderation/<int:pk>/", views.story_moderate, name="story_moderate"),
]
