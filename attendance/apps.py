from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"

    def ready(self) -> None:
        from meetings import panels

        from . import receivers  # noqa: F401  (connects them to meetings' signals)
        from .panels import attendance_panel

        panels.register(attendance_panel)
