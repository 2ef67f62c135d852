"""Personal data by contribution: each app gives its part of the download and forgets its
part on closure; the portal asks them all. A model that points at a person must be covered."""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django_tasks_db.models import DBTaskResult

from core.email import queue_email
from core.models import OutgoingEmail
from networks.models import ContactMessage, Invitation, Membership, WorkhubMembership
from portal import services
from tests import factories

pytestmark = pytest.mark.django_db

# Every model with a link to a person, and what closing an account does to its rows.
# A new model that points at people fails the test below until it is added here,
# and its app's forget_person handles it.
PERSON_LINKS = {
    ("members", "Post", "person"): "deleted",
    ("members", "Designation", "person"): "deleted",
    ("members", "Designation", "decided_by"): "kept without the person",
    ("members", "PostDecision", "decided_by"): "kept without the person",
    ("networks", "Membership", "person"): "deleted or kept without the person",
    ("networks", "Membership", "decided_by"): "kept without the person",
    ("networks", "Invitation", "invited_by"): "kept without the person",
    ("networks", "ImportBatch", "uploaded_by"): "kept without the person (the network's)",
    ("networks", "ImportBatch", "confirmed_by"): "kept without the person (the network's)",
    ("networks", "WorkhubMembership", "person"): "deleted",
    ("networks", "ContactMessage", "sender"): "kept without the person",
    ("account", "EmailAddress", "user"): "deleted",
    # Its SocialTokens point at the SocialAccount, and go with it.
    ("socialaccount", "SocialAccount", "user"): "deleted",
    ("meetings", "Registration", "person"): "deleted (an upcoming place passes on first)",
    ("meetings", "CalendarFeed", "person"): "deleted",
    ("meetings", "Meeting", "created_by"): "kept without the person",
    ("meetings", "Paper", "uploaded_by"): "kept without the person",
    ("support", "Broker", "person"): "deleted",
    ("support", "Broker", "added_by"): "kept without the person",
    ("support", "CheckInReply", "person"): "deleted",
    ("support", "Coach", "person"): "deleted",
    ("support", "Coach", "added_by"): "kept without the person",
    ("support", "MentorOffer", "mentor"): "deleted",
    ("support", "MentorRequest", "mentee"): "deleted",
    ("support", "Pairing", "mentor"): "deleted",
    ("support", "Pairing", "mentee"): "deleted",
    ("support", "Pairing", "proposed_by"): "kept without the person",
    ("support", "PairingOpening", "opened_by"): "kept without the person",
    ("support", "SupportRequest", "requester"): "deleted, with its notes",
    ("support", "SupportRequest", "coach"): "kept without the person (back to the pool)",
    ("support", "SupportNote", "author"): "kept without the person",
    ("support", "SupportRequestOpening", "opened_by"): "kept without the person",
    ("articles", "Article", "created_by"): "kept without the person",
    ("leaders", "Listing", "person"): "deleted",
    ("leaders", "LeaderMessage", "leader"): "deleted (the leader has the email)",
    ("leaders", "LeaderMessage", "sender"): "deleted (the leader has the email)",
    ("articles", "Story", "author"): "deleted (a story told by name goes with its teller)",
    ("fees", "FeeInvoice", "created_by"): "kept without the person (the school's record)",
    ("fees", "FinanceContact", "updated_by"): "kept without the person (the school's choice)",
    ("announcements", "Announcement", "author"): "kept without the person (the network's)",
    ("announcements", "Delivery", "person"): "deleted",
    ("announcements", "DigestSent", "person"): "deleted",
    ("networks", "EmailPreference", "person"): "deleted",
    ("attendance", "Attendance", "person"): "deleted (an anonymous count per school stays)",
    ("attendance", "Attendance", "recorded_by"): "kept without the person",
    ("attendance", "Correction", "person"): "deleted",
    ("attendance", "Correction", "decided_by"): "kept without the person",
    ("voice", "Poll", "created_by"): "kept without the person (the network's)",
    ("voice", "Ballot", "person"): "kept without the person (the count stays)",
    ("voice", "VoteRecord", "person"): "kept without the person (the count stays)",
    ("voice", "Decision", "recorded_by"): "kept without the person (the network's)",
    ("voice", "Representative", "person"): "kept as a former member",
    ("discussions", "Thread", "started_by"): "kept without the person (Former member)",
    ("discussions", "Thread", "locked_by"): "kept without the person",
    ("discussions", "Post", "author"): "kept without the person (Former member)",
    ("discussions", "Post", "hidden_by"): "kept without the person",
    ("discussions", "PostReport", "reported_by"): "kept without the person",
    ("discussions", "PostReport", "resolved_by"): "kept without the person",
    ("discussions", "ThreadFollow", "person"): "deleted",
    ("discussions", "DiscussionPreference", "person"): "deleted",
    ("discussions", "PostNotification", "person"): "deleted",
    ("core", "AuditEvent", "actor"): "kept without the person (name removed)",
    ("core", "AuditEvent", "subject"): "kept without the person (name removed)",
}


def _links_to_people():
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.ForeignKey | models.OneToOneField)
                and field.related_model is user_model
                and not model._meta.app_label.startswith(("admin", "auth", "django_tasks"))
                and model._meta.app_label not in {"usersessions", "mfa"}
            ):
                found.add((model._meta.app_label, model.__name__, field.name))
    return found


def test_every_link_to_a_person_is_known_to_the_privacy_parts():
    assert _links_to_people() <= set(PERSON_LINKS), (
        "A model links to people: add it to PERSON_LINKS and to its app's forget_person."
    )


def test_closing_an_account_leaves_no_row_that_points_at_the_person(network, staff):
    person = factories.make_head(email="leaving@school.example")
    school = person.posts.get().school
    seat_network = factories.make_network(basis="school", slug="seats")
    factories.make_membership(person=person, network=seat_network, school=school)
    factories.make_membership(person=person, network=network, role="administrator")
    workhub = factories.make_workhub(network=network)
    WorkhubMembership.objects.create(workhub=workhub, person=person, is_lead=True)
    other = factories.make_head()
    pending = factories.make_membership(person=other, network=network, status="pending")
    Membership.objects.filter(pk=pending.pk).update(decided_by=person)
    Invitation.objects.create(network=network, email="friend@school.example", invited_by=person)
    Invitation.objects.create(network=network, email=person.email, invited_by=staff)
    ContactMessage.objects.create(
        network=network, sender=person, sender_name="Leaving", sender_email=person.email,
        subject="Hello", message="A question",
    )  # fmt: skip
    person_id, email = person.pk, person.email

    services.close_account(person=person)

    for app_label, model_name, field in _links_to_people():
        model = apps.get_model(app_label, model_name)
        assert not model.objects.filter(**{f"{field}_id": person_id}).exists(), model_name
    assert not Invitation.objects.filter(email=email).exists()
    assert Membership.objects.filter(network=seat_network, school=school, person=None).exists()


def test_the_download_has_every_part_of_every_app(network):
    person = factories.make_head()
    factories.make_membership(person=person, network=network)

    data = services.personal_data(person)

    for part in services.PRIVACY_PARTS:
        assert set(part.personal_data(person)) <= set(data)
    assert data["account"]["email"] == person.email
    assert [row["network"] for row in data["memberships"]] == [network.name]


def test_messages_sent_signed_out_under_the_person_s_address_are_theirs(network):
    person = factories.make_head(email="ann@school.example")
    ContactMessage.objects.create(
        network=network, sender=None, sender_name="Ann", sender_email="Ann@School.example",
        subject="Before I had an account", message="Hello",
    )  # fmt: skip
    ContactMessage.objects.create(
        network=network, sender=None, sender_name="Jo", sender_email="joann@school.example",
        subject="Someone else's", message="Hello",
    )  # fmt: skip

    data = services.personal_data(person)
    services.close_account(person=person)

    assert [row["subject"] for row in data["contact_messages"]] == ["Before I had an account"]
    kept = ContactMessage.objects.get(subject="Before I had an account")
    assert (kept.sender_name, kept.sender_email) == (
        "Former member",
        "former-member@invalid.invalid",
    )
    assert (
        ContactMessage.objects.get(subject="Someone else's").sender_email == "joann@school.example"
    )


@pytest.mark.django_db(transaction=True)
def test_email_waiting_for_the_person_is_in_the_download_and_goes_with_the_account(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    person = factories.make_head(email="ann@school.example")
    queue_email(subject="Your seat in OSSHTA", body="...", to=["ann@school.example"])
    queue_email(subject="For Jo", body="...", to=["joann@school.example"])

    data = services.personal_data(person)
    services.close_account(person=person)

    assert [row["subject"] for row in data["email_waiting"]] == ["Your seat in OSSHTA"]
    assert list(OutgoingEmail.objects.values_list("subject", flat=True)) == ["For Jo"]
    # The queue itself holds no messages, only which stored email to send.
    assert all(
        set(row.args_kwargs["kwargs"]) == {"email_id", "attempt"}
        for row in DBTaskResult.objects.all()
    )


def test_admin_history_about_the_person_is_kept_without_their_name(staff):
    person = factories.make_head(email="ann@school.example", first_name="Ann", last_name="Lee")
    entry = LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(person),
        object_id=str(person.pk),
        object_repr=str(person),
        action_flag=CHANGE,
        change_message="[]",
    )

    data = services.personal_data(person)
    services.close_account(person=person)

    assert [row["object"] for row in data["admin_history"]] == ["Ann Lee"]
    entry.refresh_from_db()
    assert entry.object_repr == "Former member"
