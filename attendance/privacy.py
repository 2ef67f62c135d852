"""A person's attendance: what they can download, and what closing their account leaves.

Their attendance is theirs (their CPD record): on closure their rows go, and only an
anonymous count per school and meeting remains (SchoolCount), so a network's
participation report keeps its numbers without keeping them. Corrections they asked
for go too; rows they recorded or decided for others stay, without the link to them.
"""

from django.db import transaction
from django.db.models import F

from core.dates import iso
from members.models import User

from .models import Attendance, Correction, SchoolCount


def personal_data(person: User) -> dict[str, object]:
    """Every meeting they attended (with how it was recorded) and the corrections they asked."""
    return {
        "attendance": [
            {
                "meeting": attendance.meeting.title,
                "network": attendance.meeting.network.name,
                "starts_at": iso(attendance.meeting.starts_at),
                "ends_at": iso(attendance.meeting.ends_at),
                "school": attendance.school.name if attendance.school else None,
                "how": attendance.get_how_display(),
                "recorded_at": iso(attendance.recorded_at),
            }
            for attendance in Attendance.objects.filter(person=person)
            .select_related("meeting__network", "school")
            .order_by("meeting__starts_at", "pk")
        ],
        "attendance_corrections": [
            {
                "meeting": correction.meeting.title,
                "network": correction.meeting.network.name,
                "starts_at": iso(correction.meeting.starts_at),
                "note": correction.note,
                "state": correction.get_state_display(),
                "asked_at": iso(correction.created_at),
                "decided_at": iso(correction.decided_at),
                "decline_reason": correction.decline_reason,
            }
            for correction in Correction.objects.filter(person=person)
            .select_related("meeting__network")
            .order_by("created_at", "pk")
        ],
    }


@transaction.atomic
def forget_person(person: User) -> None:
    """Fold their attendance into anonymous counts per school, then delete it."""
    for attendance in Attendance.objects.filter(person=person, school__isnull=False):
        count, _ = SchoolCount.objects.select_for_update().get_or_create(
            meeting_id=attendance.meeting_id, school_id=attendance.school_id
        )
        SchoolCount.objects.filter(pk=count.pk).update(count=F("count") + 1)
    Attendance.objects.filter(person=person).delete()
    Correction.objects.filter(person=person).delete()
    Attendance.objects.filter(recorded_by=person).update(recorded_by=None)
    Correction.objects.filter(decided_by=person).update(decided_by=None)
