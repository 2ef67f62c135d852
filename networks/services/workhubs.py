"""Workhubs: a network's members join and leave its working groups."""

from django.core.exceptions import ValidationError
from django.db import transaction

from members.models import User

from ..models import Workhub, WorkhubMembership


@transaction.atomic
def join_workhub(*, person: User, workhub: Workhub) -> WorkhubMembership:
    """Join a workhub of this academic year, of a network the person is an active member of."""
    if workhub.is_past:
        raise ValidationError(
            f"The {workhub.name} workhub ran in {workhub.academic_year_label}; "
            "it is kept as a record and takes no new members."
        )
    if not workhub.network.memberships.active().filter(person=person).exists():
        raise ValidationError(f"Only members of {workhub.network.name} can join its workhubs.")
    membership, _ = WorkhubMembership.objects.get_or_create(workhub=workhub, person=person)
    return membership


@transaction.atomic
def leave_workhub(*, person: User, workhub: Workhub) -> None:
    """Leave a workhub of this academic year (an earlier year's is a record: it stays)."""
    if workhub.is_past:
        raise ValidationError(
            f"The {workhub.name} workhub of {workhub.academic_year_label} is a record now."
        )
    WorkhubMembership.objects.filter(workhub=workhub, person=person, is_lead=False).delete()
