"""Mounted at the site root: /meetings/..., /networks/<slug>/meetings..., /me/calendar/..."""

from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="detail"),
    path("meetings/<int:pk>.ics", views.meeting_ics, name="ics"),
    path("meetings/<int:pk>/join/", views.meeting_join, name="join"),
    path("meetings/<int:pk>/register/", views.meeting_register, name="register"),
    path("meetings/<int:pk>/unregister/", views.meeting_unregister, name="unregister"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("meetings/<int:pk>/publish/", views.meeting_publish, name="publish"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("meetings/<int:pk>/discard/", views.meeting_discard, name="discard"),
    path("meetings/<int:pk>/duplicate/", views.meeting_duplicate, name="duplicate"),
    path("meetings/<int:pk>/attendees/", views.meeting_attendees, name="attendees"),
    path("meetings/<int:pk>/attendees.csv", views.meeting_attendees_csv, name="attendees_csv"),
    path("meetings/<int:pk>/papers/new/", views.paper_upload, name="paper_upload"),
    path("meetings/<int:pk>/papers/<int:paper_id>/", views.paper_download, name="paper"),
    path(
        "meetings/<int:pk>/papers/<int:paper_id>/replace/",
        views.paper_replace,
        name="paper_replace",
    ),
    path(
        "meetings/<int:pk>/papers/<int:paper_id>/remove/", views.paper_remove, name="paper_remove"
    ),
    path("networks/<slug:slug>/meetings/", views.network_schedule, name="network_schedule"),
    path("networks/<slug:slug>/meetings.ics", views.network_feed, name="network_feed"),
    path("networks/<slug:slug>/meetings/new/", views.meeting_create, name="create"),
    path("networks/<slug:slug>/meetings/series/new/", views.series_create, name="series_create"),
    path("networks/<slug:slug>/meetings/urgent/", views.urgent_create, name="urgent_create"),
    path(
        "networks/<slug:slug>/workhubs/<slug:workhub_slug>/meetings/new/",
        views.workhub_meeting_create,
        name="workhub_create",
    ),
    path("me/calendar/", views.my_schedule, name="my_schedule"),
    path("me/calendar/reset/", views.feed_reset, name="feed_reset"),
    path("me/calendar/<str:token>.ics", views.personal_feed, name="personal_feed"),
]
