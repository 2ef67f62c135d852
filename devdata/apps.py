from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """Above the floors: the demo (seed_demo) and the benchmark data (seed_scale). Nothing
    that runs in production imports it; it is installed only so its commands are found."""

    name = "devdata"
    verbose_name = "Demo and benchmark data"
