"""The network office, at /networks/<slug>/office/: each part brings its own URLs."""

from django.urls import include, path

app_name = "office"

urlpatterns: list = [
    path("", include("office.import_urls")),
]
