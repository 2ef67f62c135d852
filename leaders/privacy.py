"""A person's listing in the leaders directory (their designations are members')."""

from core.dates import iso
from members.models import User

from .models import Listing


def personal_data(person: User) -> dict:
    listing = Listing.objects.filter(person=person).first()
    return {
        "leaders_directory_listing": {
            "availability": listing.get_availability_display(),
            "note": listing.note,
            "listed_at": iso(listing.listed_at),
        }
        if listing
        else None
    }


def forget_person(person: User) -> None:
    """The listing goes at once; designations go with the account (members)."""
    Listing.objects.filter(person=person).delete()
