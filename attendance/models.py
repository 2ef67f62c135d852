"""Who came to a meeting: the register, its check-in code, corrections asked for, and the
anonymous counts per school left when a person closes their account."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from meetings.models import Meeting
from members.models import School


class Attendance(models.Model):
    """That a person came to a meeting. For a briefing given in several places, the row is
    on the session (the place) they came to."""

    class How(models.TextChoices):
        MARKED = "marked", "Marked on the register"
        WALK_IN = "walk_in", "Added to the register at the meeting"
        CODE = "code", "Checked in with the meeting's code"
        ONLINE = "online", "Joined the call through Headnet"
        CORRECTION = "correction", "Confirmed after asking"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances"
    )
    # The school the person came for (their post's school when it was recorded): the
    # participation report counts schools, and keeps counting after the person is gone.
    school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    how = models.CharField(max_length=12, choices=How)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="attendance_once_per_meeting"
            ),
        ]
        indexes = [models.Index(fields=["person", "meeting"], name="attendance_by_person")]

    def __str__(self) -> str:
        return f"{self.person_id} at {self.meeting_id}"


class CheckInCode(models.Model):
    """A meeting's short code (and the QR code that carries it), valid only in its window."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="check_in_code")
    code = models.CharField(max_length=12, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.code} for {self.meeting_id}"


class Correction(models.Model):
    """A person says they were at a meeting but are not on its register; a coordinator
    confirms (which records the attendance) or declines."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="corrections")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance_corrections"
    )
    note = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.WAITING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=models.Q(state="waiting"),
                name="attendance_one_waiting_correction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} at {self.meeting_id}: {self.state}"


class SchoolCount(models.Model):
    """Attendance with nobody in it: what remains of a closed account's rows, per school
    and meeting, so the participation report keeps its numbers."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "school"], name="attendance_school_count"),
        ]

    def __str__(self) -> str:
        return f"{self.count} from {self.school_id} at {self.meeting_id}"
