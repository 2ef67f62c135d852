"""The network office, at /networks/<slug>/office/: each part brings its own URLs."""

app_name = "office"

urlpatterns: list = []
