"""Mounted at /networks/<slug>/ (config.urls): polls, decisions and representatives."""

from django.urls import URLPattern, path

from . import results_views

app_name = "voice"

urlpatterns: list[URLPattern] = [
    # A poll's results and outcome (voice.results, voice.closing, voice.decisions).
    path("polls/<int:pk>/results/", results_views.poll_results, name="poll_results"),
    path("polls/<int:pk>/close/", results_views.poll_close, name="poll_close"),
    path("polls/<int:pk>/outcome/", results_views.poll_outcome, name="poll_outcome"),
    path("polls/<int:pk>/meeting/", results_views.poll_meeting, name="poll_meeting"),
    path("decisions/", results_views.decision_list, name="decisions"),
]
