"""Drafts that were "cancelled" before anyone saw them become drafts again.

Cancelling used to be the only way to get rid of a draft, and a cancelled meeting is
shown to its audience: the draft's title, agenda and feed entry reached them. The
audit trail says which cancelled meetings were drafts at the time; those (never
published) go back to being drafts, seen by coordinators only, who may now discard
them. Each change is recorded in the audit trail.
"""

import zoneinfo

from django.db import migrations
from django.utils import timezone

LONDON = zoneinfo.ZoneInfo("Europe/London")


def hide_cancelled_drafts(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEvent = apps.get_model("core", "AuditEvent")
    Meeting = apps.get_model("meetings", "Meeting")
    meeting_type = ContentType.objects.filter(app_label="meetings", model="meeting").first()
    if meeting_type is None:
        return  # a new database: nothing was ever cancelled
    cancelled = AuditEvent.objects.filter(content_type=meeting_type, action="meeting.cancelled")
    were_drafts = {
        event.object_id
        for event in cancelled.only("object_id", "changes")
        if (event.changes.get("State") or [""])[0] == "Draft"
    }
    now = timezone.now()
    for meeting in Meeting.objects.filter(
        pk__in=were_drafts, state="cancelled", published_at__isnull=True
    ):
        Meeting.objects.filter(pk=meeting.pk).update(
            state="draft", cancel_reason="", sequence=meeting.sequence + 1, updated_at=now
        )
        AuditEvent.objects.create(
            content_type=meeting_type,
            object_id=meeting.pk,
            network_id=meeting.network_id,
            object_repr=f"{meeting.title} ({meeting.starts_at.astimezone(LONDON):%d %b %Y})"[:200],
            action="meeting.hidden",
            summary="A draft cancelled before it was published is a draft again",
            changes={"State": ["Cancelled", "Draft"], "_automatic": True},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_seed_academic_years"),
        ("core", "0002_audit_event"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(hide_cancelled_drafts, migrations.RunPython.noop)]
