"""Mounted at /networks/<slug>/voice/: polls, decisions and representatives."""

from django.urls import URLPattern, URLResolver, include, path

app_name = "voice"

urlpatterns: list[URLPattern | URLResolver] = []

# The network's representatives and their reports back (voice.representatives).
urlpatterns += [path("representatives/", include("voice.representative_urls"))]
