"""The ground floor's part of a person's data: unsent email and admin history.

See portal.privacy.

Imports no app of ours: it reads the person's pk, email and name off the object.
"""

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from .dates import iso
from .models import FORMER_MEMBER, AuditEvent, OutgoingEmail


def _waiting_email(person) -> list[OutgoingEmail]:
    """Email to, or replying to, the person that is not sent yet (sent email is deleted)."""
    address = person.email.lower()
    # A first cut in the database, then exact matching: "ann@x" is inside "joann@x".
    rows = OutgoingEmail.objects.filter(Q(to__icontains=address) | Q(reply_to__icontains=address))
    return [row for row in rows if address in {a.lower() for a in [*row.to, *row.reply_to]}]


def _log_entries_naming(person):
    """Admin history about the person's account, or whose description names them."""
    about_account = Q(
        content_type=ContentType.objects.get_for_model(get_user_model()), object_id=str(person.pk)
    )
    naming = Q(object_repr__icontains=person.email)
    if person.get_full_name():
        naming |= Q(object_repr__icontains=person.get_full_name())
    return LogEntry.objects.filter(about_account | naming)


def _audit_events(person):
    return AuditEvent.objects.filter(Q(actor=person) | Q(subject=person)).order_by("created_at")


def personal_data(person) -> dict:
    """Email queued for the person, the admin site's history and the audit trail by and
    about them."""
    return {
        "audit_trail": [
            {
                "when": iso(event.created_at),
                "by_you": event.actor_id == person.pk,
                "about_you": event.subject_id == person.pk,
                "what": event.summary,
                "object": event.object_repr,
                "changes": event.change_lines,
            }
            for event in _audit_events(person)
        ],
        "email_waiting": [
            {"subject": row.subject, "queued_at": iso(row.created_at), "tries": row.attempts}
            for row in _waiting_email(person)
        ],
        "admin_history": [
            {
                "when": iso(entry.action_time),
                "by_you": entry.user_id == person.pk,
                "what": entry.get_action_flag_display(),
                "object": entry.object_repr,
                "change": entry.get_change_message(),
            }
            for entry in LogEntry.objects.filter(
                Q(user_id=person.pk) | Q(pk__in=_log_entries_naming(person).values("pk"))
            )
        ],
    }


def forget_person(person) -> None:
    """Delete email waiting for the person; keep admin history and the audit trail, without
    their name."""
    AuditEvent.objects.filter(actor=person).update(actor=None, actor_name="")
    AuditEvent.objects.filter(subject=person).update(subject=None, subject_name="")
    OutgoingEmail.objects.filter(pk__in=[row.pk for row in _waiting_email(person)]).delete()
    _log_entries_naming(person).update(object_repr=FORMER_MEMBER)
