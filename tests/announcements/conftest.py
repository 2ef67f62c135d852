import pytest

from announcements.sending import start_sending

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Send an announcement as the sender's request does, and let its transaction commit
    (the test backend then runs the fan-out and its batches at once)."""

    def send(announcement):
        with django_capture_on_commit_callbacks(execute=True):
            start_sending(announcement)
        announcement.refresh_from_db()
        return announcement

    return send
