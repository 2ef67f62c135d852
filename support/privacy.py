"""This app's part of "download my data" and "close my account" (see portal.services).

A requester closing their account: their coaching requests go, with the notes on
them. A coach leaving: requests they held go back to the pool. Pairings go with
either person (with their check-ins and both people's answers); the records of who
opened what stay, without the person.
"""

from django.db import models, transaction

from core import pagecache
from core.dates import iso
from members.models import User

from . import coaching
from .models import (
    SUPPORT_SCOPE,
    Broker,
    CheckInReply,
    Coach,
    MentorOffer,
    MentorRequest,
    Pairing,
    PairingOpening,
    SupportNote,
    SupportRequest,
    SupportRequestOpening,
)


def _support_requests(person: User) -> list[dict]:
    requests = SupportRequest.objects.filter(requester=person).select_related("network")
    return [
        {
            "network": item.network.name,
            "help": item.get_help_display(),
            "contact_by": item.get_contact_by_display(),
            "contact_details": item.contact_details,
            "contact_when": item.contact_when,
            "note": item.note,
            "state": item.requester_status,
            "created_at": iso(item.created_at),
            "closed_at": iso(item.closed_at),
            "opened": [
                {"by": str(opening.opened_by or "A former coach"), "at": iso(opening.opened_at)}
                for opening in item.openings.all()
            ],
        }
        for item in requests.prefetch_related("openings__opened_by")
    ]


def _mentoring(person: User) -> dict:
    pairings = (
        Pairing.objects.for_person(person).select_related("scheme", "mentor", "mentee").distinct()
    )
    return {
        "mentor_offers": [
            {
                "scheme": offer.scheme.name,
                "sectors": offer.sectors,
                "capacity": offer.capacity,
                "note": offer.note,
                "open": offer.is_active,
            }
            for offer in MentorOffer.objects.filter(mentor=person).select_related("scheme")
        ],
        "mentor_requests": [
            {
                "scheme": item.scheme.name,
                "note": item.note,
                "state": item.get_state_display(),
                "created_at": iso(item.created_at),
            }
            for item in MentorRequest.objects.filter(mentee=person).select_related("scheme")
        ],
        "pairings": [
            {
                "scheme": pairing.scheme.name,
                "mentor": str(pairing.mentor),
                "mentee": str(pairing.mentee),
                "state": pairing.status,
                "started_at": iso(pairing.started_at),
                "ended_at": iso(pairing.ended_at),
            }
            for pairing in pairings
        ],
        "check_in_replies": [
            {
                "scheme": reply.check_in.pairing.scheme.name,
                "months": reply.check_in.months,
                "answer": reply.get_answer_display(),
                "note": reply.note,
                "replied_at": iso(reply.replied_at),
            }
            for reply in CheckInReply.objects.filter(person=person).select_related(
                "check_in__pairing__scheme"
            )
        ],
    }


def personal_data(person: User) -> dict:
    """Coaching requests made, mentoring offers, requests, pairings and check-in answers,
    support roles."""
    return {
        "support_requests": _support_requests(person),
        **_mentoring(person),
        "support_roles": [f"Broker, {role.scheme}" for role in person.broker_roles.all()]
        + [f"Coach, {role.network}" for role in person.coach_roles.all()],
    }


@transaction.atomic
def forget_person(person: User) -> None:
    """Delete what is the person's; return held requests to the pool; keep the audit trail."""
    SupportRequest.objects.filter(requester=person).delete()  # notes go with them
    coaching.return_held_requests(coach=person)
    SupportRequest.objects.filter(coach=person).update(coach=None)
    pagecache.invalidate(SUPPORT_SCOPE)  # a queryset update sends no model signals
    SupportNote.objects.filter(author=person).update(author=None)
    SupportRequestOpening.objects.filter(opened_by=person).update(opened_by=None)
    CheckInReply.objects.filter(person=person).delete()
    Pairing.objects.filter(models.Q(mentor=person) | models.Q(mentee=person)).delete()
    Pairing.objects.filter(proposed_by=person).update(proposed_by=None)
    PairingOpening.objects.filter(opened_by=person).update(opened_by=None)
    MentorOffer.objects.filter(mentor=person).delete()
    MentorRequest.objects.filter(mentee=person).delete()
    Broker.objects.filter(person=person).delete()
    Broker.objects.filter(added_by=person).update(added_by=None)
    Coach.objects.filter(person=person).delete()
    Coach.objects.filter(added_by=person).update(added_by=None)
