from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"

    def ready(self) -> None:
        from meetings import panels

        from .certificate_panel import own_attendance_panel

        panels.register(own_attendance_panel)
