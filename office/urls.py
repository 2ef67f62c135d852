"""The network office, at /networks/<slug>/office/: each part brings its own URLs."""

from django.urls import include, path

app_name = "office"

urlpatterns: list = [
    path("fees/", include("office.fees_urls")),
]
