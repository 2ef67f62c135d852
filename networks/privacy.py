"""This app's part of "download my data" and "close my account" (see portal.privacy)."""

from django.db import models

from core.dates import iso
from members.models import School, User

from . import services
from .models import (
    ContactMessage,
    EmailPreference,
    ImportBatch,
    Invitation,
    Membership,
    WorkhubMembership,
)

FORMER_MEMBER_NAME = "Former member"
FORMER_MEMBER_EMAIL = "former-member@invalid.invalid"


def personal_data(person: User) -> dict:
    """Memberships, workhub places, invitations to the person's address, messages sent,
    how they want each network's announcements."""
    return {
        "memberships": [
            {
                "network": membership.network.name,
                "school": membership.school.name if membership.school else None,
                "status": membership.get_status_display(),
                "role": membership.get_role_display(),
                "requested_at": iso(membership.requested_at),
                "started_at": iso(membership.started_at),
                "ended_at": iso(membership.ended_at),
                "decline_reason": membership.decline_reason,
            }
            for membership in Membership.objects.filter(person=person).select_related(
                "network", "school"
            )
        ],
        "workhubs": [
            {
                "workhub": str(place.workhub),
                "network": place.workhub.network.name,
                "lead": place.is_lead,
            }
            for place in WorkhubMembership.objects.filter(person=person).select_related(
                "workhub__network"
            )
        ],
        "invitations": [
            {
                "network": invitation.network.name,
                "email": invitation.email,
                "invited_at": iso(invitation.created_at),
                "accepted_at": iso(invitation.accepted_at),
                "name_given": invitation.name,
                "school": invitation.school.name if invitation.school else None,
                "role": invitation.get_role_display(),
            }
            for invitation in Invitation.objects.filter(email__iexact=person.email).select_related(
                "network", "school"
            )
        ],
        "contact_messages": [
            {
                "network": message.network.name,
                "subject": message.subject,
                "message": message.message,
                "sent_at": iso(message.created_at),
            }
            for message in _messages_from(person).select_related("network")
        ],
        "email_preferences": [
            {
                "network": preference.network.name,
                "announcements": preference.get_choice_display(),
                "changed_at": iso(preference.updated_at),
            }
            for preference in EmailPreference.objects.filter(person=person).select_related(
                "network"
            )
        ],
    }


def _messages_from(person: User):
    """Messages sent signed in, and those sent signed out under the person's address."""
    return ContactMessage.objects.filter(
        models.Q(sender=person) | models.Q(sender_email__iexact=person.email)
    )


def forget_person(person: User) -> None:
    """Give up the person's seats, end their memberships, and remove their name from what
    stays with networks.

    Records that belong to a school or a network stay: an ended school seat (its
    next head takes it) and messages to coordinators, shown as from a former member.
    Their other memberships end as any membership ends (end_membership), so each
    network's history says they left; the rows go with the account. Their email
    preferences go.
    """
    seat_schools = School.objects.filter(
        memberships__person=person, memberships__status__in=Membership.LIVE_STATUSES
    ).distinct()
    for school in seat_schools:
        services.hand_over_school_seats(school=school, notify_previous=False, leaving=person)
    for membership in Membership.objects.live().filter(person=person):
        services.end_membership(
            membership=membership,
            status=Membership.Status.LEFT,
            by=person,
            summary="Left: closed their account",
        )
    Membership.objects.filter(
        person=person, school__isnull=False, status=Membership.Status.LAPSED
    ).update(person=None)
    _messages_from(person).update(
        sender=None, sender_name=FORMER_MEMBER_NAME, sender_email=FORMER_MEMBER_EMAIL
    )
    # Invitations name the person by their address, which must go too, and so must their
    # row in any member spreadsheet still kept.
    Invitation.objects.filter(email__iexact=person.email).delete()
    _forget_in_spreadsheets(person.email)
    EmailPreference.objects.filter(person=person).delete()


def _forget_in_spreadsheets(email: str) -> None:
    """Take the person's rows out of the member spreadsheets still kept (a few at most:
    they are emptied IMPORT_BATCH_RETENTION_DAYS after they came in)."""
    email = email.strip().lower()
    for batch in ImportBatch.objects.exclude(cells=[]).only("cells", "lines", "rows"):
        keep = [
            number
            for number, cells in enumerate(batch.cells)
            if all(cell.strip().lower() != email for cell in cells)
        ]
        if len(keep) == len(batch.cells):
            continue
        batch.cells = [batch.cells[number] for number in keep]
        batch.lines = [batch.lines[number] for number in keep]
        batch.rows = [row for row in batch.rows if row.get("email") != email]
        batch.save(update_fields=["cells", "lines", "rows"])
