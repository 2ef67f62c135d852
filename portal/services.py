"""Workflows that span apps: a post changes networks; closing an account asks every app."""

import datetime
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from announcements import privacy as announcements_privacy
from articles import privacy as articles_privacy
from attendance import privacy as attendance_privacy
from core import privacy as core_privacy
from core.email import queue_templated_email
from discussions import privacy as discussions_privacy
from fees import privacy as fees_privacy
from leaders import privacy as leaders_privacy
from meetings import privacy as meetings_privacy
from members import privacy as members_privacy
from members import services as members_services
from members.models import Post, School, User
from networks import privacy as networks_privacy
from networks import services as networks_services
from networks.contact import reply_to
from support import privacy as support_privacy
from voice import privacy as voice_privacy


class PrivacyPart(Protocol):
    """An app's privacy module: its part of a person's data, for the download and for closure."""

    def personal_data(self, person: User) -> dict[str, object]: ...

    def forget_person(self, person: User) -> None: ...


# Each app's part of a person's data. A new app joins by adding its module here.
# Highest floor first: an app may still read the records of the apps below it while
# it forgets; members comes last and deletes the account.
PRIVACY_PARTS: tuple[PrivacyPart, ...] = (
    voice_privacy,
    discussions_privacy,
    announcements_privacy,
    attendance_privacy,
    support_privacy,
    articles_privacy,
    leaders_privacy,
    meetings_privacy,
    fees_privacy,
    networks_privacy,
    core_privacy,
    members_privacy,
)


@transaction.atomic
def add_post(
    *,
    person: User,
    school: School,
    role: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
) -> Post:
    """Record a post (networks.services.add_post: what follows a post is the networks')."""
    return networks_services.add_post(
        person=person, school=school, role=role, started_on=started_on, ended_on=ended_on
    )


@transaction.atomic
def end_post(*, post: Post, ended_on: datetime.date) -> Post:
    """Mark a post as ended; the school's seats pass to whoever leads it now."""
    members_services.record_post_end(post=post, ended_on=ended_on)
    networks_services.follow_post_change(person=post.person, school=post.school)
    return post


def personal_data(person: User) -> dict[str, object]:
    """Everything Headnet holds about the person, for "Download my data"."""
    data: dict[str, object] = {"exported_at": timezone.now().isoformat()}
    for part in reversed(PRIVACY_PARTS):  # the account first, as people read it
        data |= part.personal_data(person)
    return data


@transaction.atomic
def close_account(*, person: User) -> None:
    """Remove the person and their personal data, app by app.

    Records that belong to a school or a network (fee invoices, papers, messages
    to coordinators) stay; where they named the person they now show "former member".
    """
    for part in PRIVACY_PARTS:
        part.forget_person(person)


def write_to_staff(
    *, recipients: list[str], sender_name: str, sender_email: str, subject: str, message: str
) -> None:
    """Send a message to Headnet's staff, with the sender as Reply-To; the queued email is
    the stored copy (there is no network to keep it against)."""
    queue_templated_email(
        "portal/email/site_contact",
        to=recipients,
        context={
            "sender_name": sender_name,
            "sender_email": sender_email,
            "subject": subject.strip(),
            "message": message.strip(),
        },
        reply_to=[reply_to(sender_name, sender_email)],
    )
