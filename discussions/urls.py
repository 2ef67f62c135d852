"""Mounted at /networks/<slug>/ (config.urls): a network's discussions."""

app_name = "discussions"

urlpatterns: list = []
