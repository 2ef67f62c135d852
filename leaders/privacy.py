"""A person's listing in the leaders directory, and messages written to or by them through
it (their designations are members')."""

from django.db.models import Q

from core.dates import iso
from members.models import User

from .models import LeaderMessage, Listing


def personal_data(person: User) -> dict:
    listing = Listing.objects.filter(person=person).first()
    return {
        "leaders_directory_listing": {
            "availability": listing.get_availability_display(),
            "note": listing.note,
            "listed_at": iso(listing.listed_at),
        }
        if listing
        else None,
        "leaders_directory_messages_received": [
            {
                "from": f"{message.sender_name} <{message.sender_email}>",
                "subject": message.subject,
                "message": message.message,
                "sent_at": iso(message.created_at),
            }
            for message in LeaderMessage.objects.filter(leader=person)
        ],
        "leaders_directory_messages_sent": [
            {
                "to": message.leader.get_full_name(),
                "subject": message.subject,
                "message": message.message,
                "sent_at": iso(message.created_at),
            }
            for message in LeaderMessage.objects.filter(sender=person).select_related("leader")
        ],
    }


def forget_person(person: User) -> None:
    """The listing goes at once, with the messages written to and by the person (each
    was emailed: the other person keeps their copy in their own mail); designations go
    with the account (members)."""
    Listing.objects.filter(person=person).delete()
    LeaderMessage.objects.filter(Q(leader=person) | Q(sender=person)).delete()
