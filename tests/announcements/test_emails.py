"""Each copy of an announcement (announcements.emails): its headers, its footer, and
nobody's address but its own recipient's."""

import email.policy
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from announcements.models import Announcement, Delivery
from announcements.sending import send_deliveries
from announcements.tokens import read_unsubscribe_token
from networks.models import EmailPreference, Network, WorkhubMembership
from networks.services.preferences import preference_of
from tests import factories

pytestmark = pytest.mark.django_db

Audience = Announcement.Audience


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://headnet.example.org"
    settings.ANNOUNCEMENTS_FROM_EMAIL = "Headnet announcements <news@headnet.example.org>"


@pytest.fixture
def osshta(db):
    return factories.make_network(
        name="Oxfordshire Secondary School Headteachers' Association",
        short_name="OSSHTA",
        slug="osshta",
    )


@pytest.fixture
def members(osshta):
    people = []
    for name in ("ann", "bob", "cat"):
        person = factories.make_user(email=f"{name}@school.example", first_name=name.title())
        factories.make_membership(person=person, network=osshta)
        people.append(person)
    return people


def _wire(message) -> bytes:
    """The message as the SMTP backend sends it."""
    return message.message(policy=email.policy.SMTP).as_bytes()


def _copies():
    """{recipient's address: the message as it goes over the wire, read back}."""
    return {
        message.to[0]: email.message_from_bytes(_wire(message), policy=email.policy.default)
        for message in mail.outbox
    }


def test_each_copy_goes_to_one_person_from_the_announcements_sender(osshta, members, send):
    send(factories.make_announcement(network=osshta, subject="Summer conference"))

    assert sorted(message.to for message in mail.outbox) == [
        ["ann@school.example"], ["bob@school.example"], ["cat@school.example"],
    ]  # fmt: skip
    for message in mail.outbox:
        assert message.cc == [] and message.bcc == [] and message.reply_to == []
        assert message.from_email == "Headnet announcements <news@headnet.example.org>"
        assert message.subject == "[Headnet] OSSHTA: Summer conference"


def test_an_urgent_announcement_says_so_in_its_subject(osshta, members, send):
    send(factories.make_announcement(network=osshta, subject="School closures", is_urgent=True))

    assert mail.outbox[0].subject == "[Headnet] OSSHTA: Urgent: School closures"
    assert mail.outbox[0].body.splitlines()[1] == (
        "Urgent: an announcement from Oxfordshire Secondary School Headteachers' Association"
    )


def test_the_plain_text_copy_starts_with_the_subject_and_who_it_is_from(osshta, members, send):
    send(factories.make_announcement(network=osshta, subject="Summer conference"))

    assert mail.outbox[0].body.splitlines()[:2] == [
        "Summer conference",
        "An announcement from Oxfordshire Secondary School Headteachers' Association",
    ]


def test_no_copy_carries_another_member_s_address(osshta, members, send):
    send(factories.make_announcement(network=osshta))

    addresses = {person.email for person in members}
    for address, message in _copies().items():
        raw = message.as_bytes().decode()
        assert [other for other in addresses if other in raw] == [address]
        # Its own address only in the To header: not in the body, not in a link.
        assert raw.count(address) == 1
        assert message["To"] == address


def test_the_list_headers_of_each_copy(osshta, members, send):
    send(factories.make_announcement(network=osshta))

    for address, message in _copies().items():
        assert message["List-Id"] == (
            '"Oxfordshire Secondary School Headteachers\' Association" '
            "<osshta.announcements.headnet.example.org>"
        )
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Archive"] == (
            "<https://headnet.example.org/networks/osshta/announcements/>"
        )
        unsubscribe = re.fullmatch(
            r"<(https://headnet\.example\.org/email/unsubscribe/([^/>]+)/)>",
            message["List-Unsubscribe"],
        )
        assert unsubscribe, message["List-Unsubscribe"]
        person, network = read_unsubscribe_token(unsubscribe.group(2))
        assert (person.email, network) == (address, osshta)
    # On the wire each is one plain line: a mail program reads no encoded word as a link.
    for message in mail.outbox:
        headers = _wire(message).split(b"\r\n\r\n")[0].decode("ascii").split("\r\n")
        assert [line for line in headers if line.startswith("List-Unsubscribe:")] == [
            f"List-Unsubscribe: {message.extra_headers['List-Unsubscribe']}"
        ]
        assert "=?" not in headers


def test_a_list_id_s_description_is_plain_ascii_in_its_quotes(send):
    network = factories.make_network(name='Ysgolion Cymru — Penaethiaid "Ŵ"', slug="ycp")
    factories.make_membership(person=factories.make_user(), network=network)

    send(factories.make_announcement(network=network))

    assert b'List-Id: "Ysgolion Cymru Penaethiaid W" <ycp.announcements.headnet.example.org>' in (
        _wire(mail.outbox[0])
    )


def test_the_unsubscribe_header_stops_exactly_that_person_from_that_network(
    osshta, members, send, client
):
    other_network = factories.make_network(name="Somewhere Else Heads")
    for person in members:
        factories.make_membership(person=person, network=other_network)
    send(factories.make_announcement(network=osshta))
    bob = members[1]
    header = _copies()[bob.email]["List-Unsubscribe"]

    # What a mail provider does with RFC 8058's one-click button.
    response = client.post(urlsplit(header.strip("<>")).path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    stopped = [
        (person.first_name, network.name)
        for person in members
        for network in (osshta, other_network)
        if preference_of(person, network) != "every"
    ]
    assert stopped == [("Bob", osshta.name)]
    assert preference_of(bob, osshta) == "none"


def test_a_copy_sent_again_is_the_same_message_and_each_person_s_is_its_own(osshta, members, send):
    announcement = send(factories.make_announcement(network=osshta))
    first = {address: message["Message-ID"] for address, message in _copies().items()}
    # Bob's copy goes again: a worker died before it could mark the copy sent.
    stale = timezone.now() - timedelta(minutes=5)
    Delivery.objects.filter(person=members[1]).update(
        status=Delivery.Status.SENDING, claimed_at=stale
    )
    mail.outbox.clear()

    send_deliveries.call(announcement_id=announcement.pk, after_id=0, up_to_id=10**9)

    assert [message.to for message in mail.outbox] == [["bob@school.example"]]
    assert _copies()["bob@school.example"]["Message-ID"] == first["bob@school.example"]
    assert len(set(first.values())) == 3
    assert all(re.fullmatch(r"<[0-9a-f]{32}@headnet\.example\.org>", mid) for mid in first.values())
    # A second announcement's copy to the same person is another message.
    send(factories.make_announcement(network=osshta, subject="Another"))
    assert _copies()["bob@school.example"]["Message-ID"] != first["bob@school.example"]


def test_the_footer_says_why_and_links_to_the_announcement_preferences_and_unsubscribe(
    osshta, members, send
):
    announcement = send(factories.make_announcement(network=osshta, body="Dates are **set**."))
    message = mail.outbox[0]
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    html = message.alternatives[0].content

    for part in (message.body, html):
        assert (
            "You get this email because you are a member of Oxfordshire Secondary School "
            "Headteachers' Association" in part.replace("&#x27;", "'")
        )
        assert f"https://headnet.example.org/networks/osshta/announcements/{announcement.pk}/" in (
            part
        )
        assert "https://headnet.example.org/me/email/" in part
        assert unsubscribe in part
    assert "Dates are **set**." in message.body  # the plain text, unencoded
    assert "<strong>set</strong>" in html
    assert message.alternatives[0].mimetype == "text/html"
    # The plain text is sent as it is, so its links stay whole on one line each.
    assert "Content-Transfer-Encoding: 7bit" in message.message().as_string()


def test_a_copy_says_which_audience_it_reached_the_person_through(osshta, send):
    person = factories.make_user(email="lead@school.example")
    subgroup = factories.make_network(name="Oxford City Heads", parent=osshta)
    factories.make_membership(person=person, network=subgroup)
    workhub = factories.make_workhub(network=osshta, name="SEND")
    WorkhubMembership.objects.create(workhub=workhub, person=person)
    meeting = factories.make_meeting(network=osshta, title="Summer conference")
    factories.make_registration(meeting=meeting, person=person)
    Network.objects.filter(pk=osshta.pk).update(basis=Network.Basis.SCHOOL)
    factories.make_membership(person=person, network=osshta, school=factories.make_school())

    for fields in [
        {"audience": Audience.SUBGROUP, "subgroup": subgroup},
        {"audience": Audience.WORKHUB, "workhub": workhub},
        {"audience": Audience.MEETING, "meeting": meeting},
        {"audience": Audience.SEAT_HOLDERS},
    ]:
        send(factories.make_announcement(network=osshta, **fields))

    reasons = [re.search(r"because (.*)\.", message.body).group(1) for message in mail.outbox]
    assert reasons == [
        "you are a member of Oxford City Heads, part of Oxfordshire Secondary School "
        "Headteachers' Association",
        "you are in the SEND workhub of Oxfordshire Secondary School Headteachers' Association",
        "you are going to, or waiting for a place at, Summer conference on "
        + f"{meeting.starts_at.astimezone(timezone.get_current_timezone()):%-d %B %Y}",
        "you hold your school's seat in Oxfordshire Secondary School Headteachers' Association",
    ]


def test_who_chose_none_is_not_sent_the_next_one(osshta, members, send):
    EmailPreference.objects.create(person=members[0], network=osshta, choice="none")

    send(factories.make_announcement(network=osshta))

    assert "ann@school.example" not in _copies()


def test_each_copy_names_its_delivery_to_an_email_service(osshta, members, send):
    """anymail hands `metadata` to the service, whose bounce and complaint events return it:
    the event then marks this person's copy and no one else's."""
    announcement = factories.make_announcement(network=osshta, subject="Summer conference")
    send(announcement)

    deliveries = dict(announcement.deliveries.values_list("person__email", "pk"))
    for message in mail.outbox:
        assert message.metadata == {"delivery": str(deliveries[message.to[0]])}
