from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"

    def ready(self) -> None:
        from meetings import panels

        from . import receivers  # noqa: F401  (connects them to meetings' signals)
        from .certificate_panel import own_attendance_panel
        from .panels import attendance_panel

        panels.register(attendance_panel)
        panels.register(own_attendance_panel)
