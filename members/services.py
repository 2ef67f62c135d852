"""People's workflows: posts, data download, closing an account."""

import datetime

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Post, School, User


@transaction.atomic
def add_post(
    *,
    person: User,
    school: School,
    role: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
) -> Post:
    """Record a post; a new head takes their school's seats and automatic networks follow."""
    same = {"person": person, "school": school, "role": role, "started_on": started_on}
    existing = Post.objects.filter(**same).first()
    if existing:
        return existing  # submitted twice: the post is already recorded
    post = Post(**same, ended_on=ended_on)
    post.full_clean()
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError:
        return Post.objects.get(**same)  # the other submission won the race
    _posts_changed(person=person, school=school)
    return post


@transaction.atomic
def end_post(*, post: Post, ended_on: datetime.date) -> Post:
    """Mark a post as ended; the school's seats pass to whoever leads it now."""
    if post.ended_on is not None:
        raise ValidationError("This post has already ended.")
    post.ended_on = ended_on
    post.full_clean()
    post.save(update_fields=["ended_on"])
    _posts_changed(person=post.person, school=post.school)
    return post


def _posts_changed(*, person: User, school: School) -> None:
    from networks import services as network_services

    network_services.hand_over_school_seats(school=school)
    network_services.sync_automatic_memberships(person=person)


def personal_data(person: User) -> dict:
    """Everything Headnet holds about the person, for "Download my data"."""
    from networks.models import ContactMessage, Invitation, Membership, WorkhubMembership

    def when(value):
        return value.isoformat() if value else None

    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": person.email,
            "title": person.title,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "show_email_to_members": person.show_email_to_members,
            "date_joined": when(person.date_joined),
            "last_login": when(person.last_login),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=person)
        ],
        "posts": [
            {
                "role": post.get_role_display(),
                "school": post.school.name,
                "urn": post.school.urn,
                "started_on": when(post.started_on),
                "ended_on": when(post.ended_on),
            }
            for post in person.posts.select_related("school")
        ],
        "designations": [
            {"designation": designation.get_kind_display(), "since": when(designation.since)}
            for designation in person.designations.all()
        ],
        "memberships": [
            {
                "network": membership.network.name,
                "school": membership.school.name if membership.school else None,
                "status": membership.get_status_display(),
                "role": membership.get_role_display(),
                "requested_at": when(membership.requested_at),
                "started_at": when(membership.started_at),
                "ended_at": when(membership.ended_at),
                "decline_reason": membership.decline_reason,
            }
            for membership in Membership.objects.filter(person=person).select_related(
                "network", "school"
            )
        ],
        "workhubs": [
            {
                "workhub": str(workhub_membership.workhub),
                "network": workhub_membership.workhub.network.name,
                "lead": workhub_membership.is_lead,
            }
            for workhub_membership in WorkhubMembership.objects.filter(
                person=person
            ).select_related("workhub__network")
        ],
        "invitations": [
            {
                "network": invitation.network.name,
                "email": invitation.email,
                "invited_at": when(invitation.created_at),
                "accepted_at": when(invitation.accepted_at),
            }
            for invitation in Invitation.objects.filter(email__iexact=person.email).select_related(
                "network"
            )
        ],
        "contact_messages": [
            {
                "network": message.network.name,
                "subject": message.subject,
                "message": message.message,
                "sent_at": when(message.created_at),
            }
            for message in ContactMessage.objects.filter(sender=person).select_related("network")
        ],
    }


@transaction.atomic
def close_account(*, person: User) -> None:
    """Remove the person and their personal data.

    Their posts, designations, memberships, workhub places and email addresses
    go with the account. Records that belong to a school or a network (fee
    invoices, papers, messages to coordinators) stay; where they named the
    person they now show "former member".
    """
    from networks import services as network_services
    from networks.models import ContactMessage, Invitation, Membership

    # School seats they held pass to whoever leads those schools without them.
    schools = list(
        School.objects.filter(
            memberships__person=person, memberships__status__in=Membership.LIVE_STATUSES
        ).distinct()
    )
    person.posts.all().delete()
    for school in schools:
        network_services.hand_over_school_seats(school=school, notify_previous=False)
    # An ended seat belongs to the school: kept without the person, so a new head
    # takes it when they arrive.
    Membership.objects.filter(
        person=person, school__isnull=False, status=Membership.Status.LAPSED
    ).update(person=None)
    # Messages they sent stay with the network, without their name or address.
    ContactMessage.objects.filter(sender=person).update(
        sender=None, sender_name="Former member", sender_email="former-member@invalid.invalid"
    )
    # Invitations name the person by their address, which must go too.
    Invitation.objects.filter(email__iexact=person.email).delete()
    person.delete()
