"""UK GDPR: a person downloads everything Headnet holds about them, or closes their account.

Both ask for the password again (allauth's reauthentication) unless the person gave it in
the last few minutes.
"""

import datetime
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from announcements.models import Announcement, Delivery, DigestSent
from members import suppression
from members.models import Designation, EmailSuppression, Post, User
from networks import services as network_services
from networks.models import (
    ContactMessage,
    EmailPreference,
    Invitation,
    Membership,
    Network,
    WorkhubMembership,
)
from portal import services as portal_services
from tests.factories import (
    PASSWORD,
    make_head,
    make_membership,
    make_network,
    make_post,
    make_school,
    make_user,
    make_workhub,
    register_as_head,
)

pytestmark = pytest.mark.django_db

DOWNLOAD = reverse("portal:data_download")
CLOSE = reverse("portal:account_close")
REAUTHENTICATE = reverse("account_reauthenticate")


def _asks_for_password(response, then: str) -> bool:
    """The response sends the person to the reauthentication page, and on to `then`."""
    url = urlsplit(response["Location"])
    return (
        response.status_code == 302
        and url.path == REAUTHENTICATE
        and parse_qs(url.query) == {"next": [then]}
    )


def _reauthenticate(client):
    """Give the password again, as the reauthentication page asks."""
    response = client.post(REAUTHENTICATE, {"password": PASSWORD})
    assert response.status_code == 302, response.content


@pytest.fixture
def person(network):
    """A head in a network and a workhub, with a designation and a message sent."""
    person = make_head(
        email="ruth.marlowe@school.example", first_name="Ruth", last_name="Marlowe", title="Dr"
    )
    make_membership(person=person, network=network, role=Membership.Role.COORDINATOR)
    workhub = make_workhub(network=network, name="Early Reading")
    WorkhubMembership.objects.create(workhub=workhub, person=person, is_lead=True)
    Designation.objects.create(person=person, kind=Designation.Kind.MENTOR)
    ContactMessage.objects.create(
        network=network,
        sender=person,
        sender_name="Ruth Marlowe",
        sender_email=person.email,
        subject="Spring conference",
        message="Could we hold it in Banbury?",
    )
    return person


@pytest.fixture
def colleague(network):
    """Another member of the same network: none of their data is the person's."""
    colleague = make_head(
        email="colleague@school.example", first_name="Tobias", last_name="Quennell"
    )
    make_membership(person=colleague, network=network)
    return colleague


# Download my data ------------------------------------------------------------


def test_visitor_is_asked_to_sign_in_to_download_data(client):
    response = client.get(DOWNLOAD)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_download_asks_for_the_password_when_it_was_not_given_recently(client, person):
    client.force_login(person)

    response = client.get(DOWNLOAD)

    assert _asks_for_password(response, then=DOWNLOAD)


def test_a_fresh_sign_in_unlocks_the_download_without_asking_again(client, person):
    client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})

    response = client.get(DOWNLOAD)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_a_sign_in_some_time_ago_asks_for_the_password_again(client, person, settings):
    client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    session = client.session
    session["headnet_signed_in_at"] -= settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1
    session.save()

    assert _asks_for_password(client.get(DOWNLOAD), then=DOWNLOAD)


def test_a_wrong_password_does_not_unlock_the_download(client, person):
    client.force_login(person)

    response = client.post(f"{REAUTHENTICATE}?next={DOWNLOAD}", {"password": "wrong"})

    assert response.status_code == 200
    assert _asks_for_password(client.get(DOWNLOAD), then=DOWNLOAD)


def test_after_giving_the_password_the_person_goes_on_to_their_download(client, person):
    client.force_login(person)

    response = client.post(f"{REAUTHENTICATE}?next={DOWNLOAD}", {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == DOWNLOAD


def test_download_is_a_json_file_of_the_person_s_data(client, person, network, colleague):
    client.force_login(person)
    _reauthenticate(client)

    response = client.get(DOWNLOAD)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="headnet-my-data-')
    data = json.loads(response.content)
    assert data["account"]["email"] == "ruth.marlowe@school.example"
    assert (data["account"]["title"], data["account"]["last_name"]) == ("Dr", "Marlowe")
    assert data["email_addresses"] == [
        {"email": "ruth.marlowe@school.example", "verified": True, "primary": True}
    ]
    post = person.posts.get()
    assert data["posts"] == [
        {
            "role": "Headteacher",
            "school": post.school.name,
            "urn": post.school.urn,
            "started_on": post.started_on.isoformat(),
            "ended_on": None,
            "verification": "Confirmed",
            "verified_how": "By site staff",
            "decisions": [],  # made by the factory, not through a decision
        }
    ]
    assert [(m["network"], m["role"], m["status"]) for m in data["memberships"]] == [
        (network.name, "Coordinator", "Active")
    ]
    assert [(w["network"], w["lead"]) for w in data["workhubs"]] == [(network.name, True)]
    assert data["designations"] == [
        {
            "designation": "Mentor",
            "since": None,
            "evidence": "",
            "state": "Waiting for confirmation",
        }
    ]
    assert [m["subject"] for m in data["contact_messages"]] == ["Spring conference"]


def test_download_holds_nothing_about_anyone_else(client, person, colleague):
    ContactMessage.objects.create(
        network=person.memberships.get().network,
        sender=colleague,
        sender_name="Tobias Quennell",
        sender_email=colleague.email,
        subject="Another matter",
        message="From the colleague.",
    )
    client.force_login(person)
    _reauthenticate(client)

    content = client.get(DOWNLOAD).content.decode()

    assert "ruth.marlowe@school.example" in content
    for their_data in ["colleague@school.example", "Tobias", "Quennell", "Another matter"]:
        assert their_data not in content


def test_download_includes_past_posts_and_memberships_that_ended(client, person):
    old_school = make_school(name="Former Primary")
    make_post(
        person=person,
        school=old_school,
        started_on=person.posts.get().started_on.replace(year=2005),
        ended_on=person.posts.get().started_on.replace(year=2010),
    )
    make_membership(
        person=person, network=make_network(name="Past Network"), status=Membership.Status.LEFT
    )
    client.force_login(person)
    _reauthenticate(client)

    data = json.loads(client.get(DOWNLOAD).content)

    assert "Former Primary" in [post["school"] for post in data["posts"]]
    assert ("Past Network", "Left") in [(m["network"], m["status"]) for m in data["memberships"]]


# Close my account -------------------------------------------------------------


def test_closing_an_account_asks_for_the_password_when_it_was_not_given_recently(client, person):
    client.force_login(person)

    page = client.get(CLOSE)
    response = client.post(CLOSE, {"confirm": "on"})

    assert _asks_for_password(page, then=CLOSE)
    assert _asks_for_password(response, then=CLOSE)
    assert User.objects.filter(pk=person.pk).exists()


def test_closing_without_ticking_the_confirmation_removes_nothing(client, person):
    client.force_login(person)
    _reauthenticate(client)

    response = client.post(CLOSE, {})

    assert response.status_code == 200
    assert response.context["form"].errors["confirm"] == ["This field is required."]
    assert User.objects.filter(pk=person.pk).exists()
    assert person.posts.count() == 1
    assert Membership.objects.filter(person=person).count() == 1
    assert client.session[SESSION_KEY] == str(person.pk)


def test_closing_an_account_removes_the_person_their_posts_and_memberships(
    client, person, colleague
):
    post = person.posts.get()
    client.force_login(person)
    _reauthenticate(client)

    response = client.post(CLOSE, {"confirm": "on"}, follow=True)

    assert response.redirect_chain == [(reverse("home"), 302)]
    assert b"Your account has been closed" in response.content
    assert SESSION_KEY not in client.session
    assert not User.objects.filter(pk=person.pk).exists()
    assert not User.objects.filter(email="ruth.marlowe@school.example").exists()
    assert not EmailAddress.objects.filter(email="ruth.marlowe@school.example").exists()
    assert not Post.objects.filter(pk=post.pk).exists()
    assert not Membership.objects.filter(person_id=person.pk).exists()
    assert not WorkhubMembership.objects.filter(person_id=person.pk).exists()
    assert not Designation.objects.filter(person_id=person.pk).exists()
    # The school and everyone else stay.
    assert post.school.__class__.objects.filter(pk=post.school_id).exists()
    assert Membership.objects.filter(person=colleague).count() == 1


def test_the_person_cannot_sign_in_after_closing_their_account(client, person):
    client.force_login(person)
    _reauthenticate(client)
    client.post(CLOSE, {"confirm": "on"})

    client.post(
        reverse("account_login"), {"login": "ruth.marlowe@school.example", "password": PASSWORD}
    )

    assert SESSION_KEY not in client.session


def test_a_close_request_interrupted_for_the_password_goes_through_once_it_is_given(client, person):
    client.force_login(person)
    client.post(CLOSE, {"confirm": "on"})

    client.post(f"{REAUTHENTICATE}?next={CLOSE}", {"password": PASSWORD})

    assert not User.objects.filter(pk=person.pk).exists()


def test_messages_the_person_sent_stay_with_the_network_as_from_a_former_member(
    client, person, network
):
    message = ContactMessage.objects.get(sender=person)
    client.force_login(person)
    _reauthenticate(client)

    client.post(CLOSE, {"confirm": "on"})

    message.refresh_from_db()
    assert message.network == network
    assert message.sender is None
    assert message.sender_name == "Former member"
    assert "ruth.marlowe" not in message.sender_email
    assert message.subject == "Spring conference"


def test_a_school_seat_passes_to_the_school_s_other_head_when_its_holder_closes_their_account(
    client,
):
    school = make_school(name="Cherwell Valley Primary")
    network = make_network(name="School Seats Network", basis=Network.Basis.SCHOOL)
    holder = make_head(school=school, email="holder@school.example")
    other_head = make_head(email="head.of.school@school.example", school=make_school())
    make_post(person=other_head, school=school, role=Post.Role.HEAD_OF_SCHOOL)
    seat = make_membership(person=holder, network=network, school=school)
    # The headteacher holds the seat while in post; the head of school does not.
    assert network_services.hand_over_school_seats(school=school) == []
    client.force_login(holder)
    _reauthenticate(client)

    client.post(CLOSE, {"confirm": "on"})

    # The old seat stays with the school as an ended record that names nobody.
    seat.refresh_from_db()
    assert seat.person is None
    assert seat.status == Membership.Status.LAPSED
    new_seat = Membership.objects.live().get(network=network, school=school)
    assert new_seat.person == other_head
    assert new_seat.is_active


def test_a_schools_seat_waits_for_its_next_head_when_its_only_head_closes_their_account(
    client,
):
    school = make_school(name="Cherwell Valley Primary")
    network = make_network(name="School Seats Network", basis=Network.Basis.SCHOOL)
    holder = make_head(school=school, email="holder@school.example")
    make_membership(person=holder, network=network, school=school)
    client.force_login(holder)
    _reauthenticate(client)
    client.post(CLOSE, {"confirm": "on"})
    assert not Membership.objects.live().filter(network=network).exists()

    new_head = make_user(email="new.head@school.example")
    register_as_head(school, new_head)
    portal_services.add_post(
        person=new_head,
        school=school,
        role=Post.Role.HEADTEACHER,
        started_on=timezone.localdate(),
    )

    seat = Membership.objects.live().get(network=network, school=school)
    assert seat.person == new_head


def test_download_includes_invitations_sent_to_the_person_s_address(client, person, colleague):
    roundtable = make_network(name="Roundtable", join_policy=Network.JoinPolicy.INVITATION)
    Invitation.objects.create(network=roundtable, email=person.email, invited_by=colleague)
    Invitation.objects.create(network=roundtable, email="someone.else@school.example")
    client.force_login(person)
    _reauthenticate(client)

    data = json.loads(client.get(DOWNLOAD).content)

    assert [(i["network"], i["email"]) for i in data["invitations"]] == [
        ("Roundtable", "ruth.marlowe@school.example")
    ]
    assert "someone.else@school.example" not in json.dumps(data)


def test_closing_an_account_removes_invitations_to_the_person_s_address(client, person):
    roundtable = make_network(name="Roundtable", join_policy=Network.JoinPolicy.INVITATION)
    Invitation.objects.create(network=roundtable, email=person.email)
    other = Invitation.objects.create(network=roundtable, email="someone.else@school.example")
    client.force_login(person)
    _reauthenticate(client)

    client.post(CLOSE, {"confirm": "on"})

    assert list(Invitation.objects.all()) == [other]


# Announcements: what a network sent the person, what they wrote, how they want it -----


def _announcement(network, *, subject, author=None, to=()):
    """A sent announcement of the network, with a delivery to each person in `to`."""
    announcement = Announcement.objects.create(
        network=network,
        subject=subject,
        body="News.",
        author=author,
        state=Announcement.State.SENT,
        sent_at=timezone.now(),
    )
    for person in to:
        Delivery.objects.create(
            announcement=announcement,
            person=person,
            status=Delivery.Status.SENT,
            sent_at=timezone.now(),
        )
    return announcement


@pytest.fixture
def announcements_data(person, colleague, network):
    """Ruth wrote one announcement and was sent another (as was her colleague); she chose
    a digest, had one, and her address once complained. Her colleague's are theirs."""
    _announcement(network, subject="Spring conference booking", author=person, to=[colleague])
    _announcement(network, subject="New term dates", author=colleague, to=[person, colleague])
    EmailPreference.objects.create(
        person=person, network=network, choice=EmailPreference.Choice.DIGEST
    )
    EmailPreference.objects.create(
        person=colleague, network=network, choice=EmailPreference.Choice.NONE
    )
    DigestSent.objects.create(person=person, week_of=datetime.date(2026, 3, 2))
    DigestSent.objects.create(person=colleague, week_of=datetime.date(2026, 3, 2))
    suppression.record_complaint("Ruth.Marlowe@School.example")
    suppression.record_complaint(colleague.email)


def test_download_has_the_announcements_sent_to_and_written_by_the_person(
    client, person, network, announcements_data
):
    client.force_login(person)
    _reauthenticate(client)

    data = json.loads(client.get(DOWNLOAD).content)

    assert [(a["network"], a["subject"], a["state"]) for a in data["announcements_written"]] == [
        (network.name, "Spring conference booking", "Sent")
    ]
    assert [
        (d["network"], d["announcement"], d["status"]) for d in data["announcements_to_you"]
    ] == [(network.name, "New term dates", "Sent")]
    assert data["announcements_to_you"][0]["sent_to_you_at"] is not None
    assert [p["network"] for p in data["email_preferences"]] == [network.name]
    assert data["email_preferences"][0]["announcements"].startswith("A weekly digest")
    assert [d["week_of"] for d in data["digests_sent"]] == ["2026-03-02"]
    [stop] = data["bulk_mail_stops"]
    assert (stop["stopped"], stop["reason"]) == (True, "It reported one of our messages as spam")
    # Nothing of the colleague's: not their preference, digest, address or the copies
    # of the person's announcement sent to them.
    assert "colleague@school.example" not in json.dumps(data)
    assert "No announcements" not in json.dumps(data)
    assert len(data["digests_sent"]) == 1


def test_closing_an_account_keeps_its_announcements_for_the_network_and_forgets_the_rest(
    client, person, colleague, network, announcements_data
):
    client.force_login(person)
    _reauthenticate(client)

    client.post(CLOSE, {"confirm": "on"})

    written = Announcement.objects.get(subject="Spring conference booking")
    assert (written.network, written.author, written.is_sent) == (network, None, True)
    assert not Delivery.objects.filter(person_id=person.pk).exists()
    assert not DigestSent.objects.filter(person_id=person.pk).exists()
    assert not EmailPreference.objects.filter(person_id=person.pk).exists()
    assert not EmailSuppression.objects.filter(address__iexact=person.email).exists()
    # The colleague's copies, preference, digest and stop stay.
    assert Delivery.objects.filter(person=colleague).count() == 2
    assert EmailPreference.objects.filter(person=colleague).exists()
    assert DigestSent.objects.filter(person=colleague).exists()
    assert EmailSuppression.objects.filter(address=colleague.email).exists()


def test_the_data_page_says_announcements_are_in_the_download_and_stay_with_the_network(
    client, person
):
    client.force_login(person)

    page = client.get(reverse("portal:my_data")).content.decode()

    assert "the announcements you have written or been sent" in page
    assert "an announcement will be from the network" in page
