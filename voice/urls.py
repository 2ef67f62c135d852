"""Mounted at /networks/<slug>/ (config.urls): polls, decisions and representatives."""

from django.urls import include, path

from . import results_views, views

app_name = "voice"

urlpatterns = [
    path("polls/", views.poll_list, name="poll_list"),
    path("polls/new/", views.poll_new, name="poll_new"),
    path("polls/new/<slug:kind>/", views.poll_create, name="poll_create"),
    path("polls/<int:pk>/", views.poll_detail, name="poll_detail"),
    path("polls/<int:pk>/edit/", views.poll_edit, name="poll_edit"),
    path("polls/<int:pk>/open/", views.poll_open, name="poll_open"),
    path("polls/<int:pk>/vote/", views.vote, name="vote"),
    # A poll's results and outcome (voice.results, voice.closing, voice.decisions).
    path("polls/<int:pk>/results/", results_views.poll_results, name="poll_results"),
    path("polls/<int:pk>/close/", results_views.poll_close, name="poll_close"),
    path("polls/<int:pk>/outcome/", results_views.poll_outcome, name="poll_outcome"),
    path("polls/<int:pk>/meeting/", results_views.poll_meeting, name="poll_meeting"),
    path("decisions/", results_views.decision_list, name="decisions"),
    # The network's representatives and their reports back (voice.representatives).
    path("representatives/", include("voice.representative_urls")),
]
