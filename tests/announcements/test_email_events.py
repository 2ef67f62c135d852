"""An email service's reports (django-anymail's tracking webhooks): bounces, complaints and
unsubscribes reach the suppression list, the delivery rows and the person's choices; a
report without the secret changes nothing.

No service is reachable here: the payloads are the services' documented webhook bodies
(Postmark's bounce, spam complaint, subscription change and delivery webhooks; Mailjet's
event webhook), POSTed to the URLs anymail mounts, as the services would. The webhooks are
mounted only when EMAIL_EVENTS_PATH is set, and config/urls.py reads it once at import, so
these tests use a URLconf that mounts them (tests/announcements/email_events_urls.py).
"""

import datetime
import json
import os
import subprocess
import sys
from base64 import b64encode
from pathlib import Path

import pytest
from anymail.signals import AnymailTrackingEvent
from django.urls import reverse
from django.utils import timezone

from announcements import tracking
from announcements.models import Announcement, Delivery
from config.urls import email_event_urls
from core.models import AuditEvent
from members import suppression
from members.models import EmailSuppression
from networks import services
from networks.models import EmailPreference
from tests import factories
from tests.announcements.email_events_urls import EVENTS_PATH

pytestmark = pytest.mark.django_db
SECRET = "headnet-events:a-long-random-password"
Status = Delivery.Status
Choice = EmailPreference.Choice
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _events_mounted(settings):
    settings.ROOT_URLCONF = "tests.announcements.email_events_urls"
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


def _post(client, service: str, payload, *, auth: str | None = SECRET):
    headers = {}
    if auth is not None:
        headers["authorization"] = "Basic " + b64encode(auth.encode()).decode()
    return client.post(
        f"/email/events/{EVENTS_PATH}/{service}/tracking/",
        data=json.dumps(payload),
        content_type="application/json",
        headers=headers,
    )


def _delivery(person, network, *, status=Status.SENT, sent_at=None) -> Delivery:
    sent_at = sent_at or timezone.now()
    announcement = Announcement.objects.create(
        network=network, subject="Summer term", body="News.", state=Announcement.State.SENT,
        sent_at=sent_at,
    )  # fmt: skip
    return Delivery.objects.create(
        announcement=announcement, person=person, status=status,
        sent_at=sent_at if status == Status.SENT else None,
    )  # fmt: skip


def _metadata(delivery: Delivery | None) -> dict:
    return tracking.metadata_for(delivery.pk) if delivery else {}


# Postmark's webhook bodies (postmarkapp.com/developer/webhooks), as it sends them.


def postmark_bounce(email: str, delivery=None, *, kind="HardBounce", number=1) -> dict:
    names = {"HardBounce": ("Hard bounce", 1), "SoftBounce": ("Soft bounce", 4096),
             "Transient": ("Message delayed", 2)}  # fmt: skip
    name, code = names[kind]
    return {
        "RecordType": "Bounce",
        "MessageStream": "broadcast",
        "ID": 4323372036854775800 + number,
        "Type": kind,
        "TypeCode": code,
        "Name": name,
        "Tag": "announcement",
        "MessageID": f"883953f4-6105-42a2-a16a-77a8eac7948{number}",
        "Metadata": _metadata(delivery),
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user, "
        "mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "announcements@headnet.example",
        "BouncedAt": "2026-11-05T16:33:54.9070259Z",
        "DumpAvailable": True,
        "Inactive": kind == "HardBounce",
        "CanActivate": True,
        "Subject": "Summer term",
    }


def postmark_spam_complaint(email: str, delivery=None) -> dict:
    return {
        "RecordType": "SpamComplaint",
        "MessageStream": "broadcast",
        "ID": 42,
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "Name": "Spam complaint",
        "Tag": "announcement",
        "MessageID": "00000000-0000-0000-0000-000000000000",
        "Metadata": _metadata(delivery),
        "ServerID": 1234,
        "Description": "",
        "Details": "Test spam complaint details",
        "Email": email,
        "From": "announcements@headnet.example",
        "BouncedAt": "2026-11-05T16:33:54.9070259Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": False,
        "Subject": "Summer term",
    }


def postmark_unsubscribe(email: str, delivery=None) -> dict:
    return {
        "RecordType": "SubscriptionChange",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "ServerID": 123456,
        "MessageStream": "broadcast",
        "ChangedAt": "2026-11-05T10:53:34.416071Z",
        "Recipient": email,
        "Origin": "Recipient",
        "SuppressSending": True,
        "SuppressionReason": "ManualSuppression",
        "Tag": "announcement",
        "Metadata": _metadata(delivery),
    }


def postmark_delivered(email: str, delivery=None) -> dict:
    return {
        "RecordType": "Delivery",
        "ServerID": 23,
        "MessageStream": "broadcast",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Recipient": email,
        "Tag": "announcement",
        "DeliveredAt": "2026-11-05T16:34:52Z",
        "Details": "Test delivery webhook details",
        "Metadata": _metadata(delivery),
    }


# Mailjet's event webhook (dev.mailjet.com, "Event API"), with "group events" on: a list,
# the message's anymail metadata in its "Payload".


def mailjet_event(email: str, delivery=None, *, event="bounce", hard=True) -> dict:
    body = {
        "event": event,
        "time": 1793890434,
        "MessageID": 13792286917004336,
        "Message_GUID": "1ab23cd4-e567-8901-2345-6789f0gh1i2j",
        "email": email,
        "mj_campaign_id": 0,
        "mj_contact_id": 0,
        "customcampaign": "",
        "CustomID": "",
        "Payload": json.dumps(_metadata(delivery)) if delivery else "",
    }
    if event == "bounce":
        error = "user unknown" if hard else "quota exceeded"
        body |= {"blocked": False, "hard_bounce": hard, "error_related_to": "recipient",
                 "error": error}  # fmt: skip
    if event == "blocked":
        body |= {"error_related_to": "mailjet", "error": "preblocked"}
    if event == "spam":
        body |= {"source": "JMRPP"}
    if event == "sent":
        body |= {
            "mj_message_id": "19421777396190490",
            "smtp_reply": "sent (250 2.0.0 OK 1433333948 fa5si855896wjc.199 - gsmtp)",
        }
    return body


# Bounces ------------------------------------------------------------------------


def test_three_hard_bounces_stop_bulk_mail_to_the_address(client, member, network):
    deliveries = [_delivery(member, network) for _ in range(3)]

    for number, delivery in enumerate(deliveries[:2]):
        response = _post(client, "postmark", postmark_bounce(member.email, delivery, number=number))
        assert response.status_code == 200

    # Two permanent bounces: counted, not yet enough to stop announcements.
    assert EmailSuppression.objects.get(address=member.email).hard_bounces == 2
    assert suppression.suppressed_addresses([member.email]) == set()

    response = _post(client, "postmark", postmark_bounce(member.email, deliveries[2], number=3))

    assert response.status_code == 200
    # What the fan-out asks before it queues the person's next announcement: stopped.
    assert suppression.suppressed_addresses([member.email]) == {member.email}
    assert suppression.suppression_of(member.email).reason == "bounced"
    assert {delivery.status for delivery in Delivery.objects.all()} == {Status.BOUNCED}


def test_a_bounce_the_service_reports_twice_counts_once(client, member, network):
    delivery = _delivery(member, network)

    for _ in range(3):
        _post(client, "postmark", postmark_bounce(member.email, delivery))

    assert EmailSuppression.objects.get(address=member.email).hard_bounces == 1
    assert suppression.suppression_of(member.email) is None


def test_mailjet_reports_several_events_at_once(client, member, coordinator, network):
    bounced = _delivery(member, network)
    complained = _delivery(coordinator, network)

    response = _post(
        client,
        "mailjet",
        [
            mailjet_event(member.email, bounced),
            mailjet_event(coordinator.email, complained, event="spam"),
        ],
    )

    assert response.status_code == 200
    bounced.refresh_from_db()
    complained.refresh_from_db()
    assert (bounced.status, complained.status) == (Status.BOUNCED, Status.COMPLAINED)
    assert EmailSuppression.objects.get(address=member.email).hard_bounces == 1
    assert suppression.suppressed_addresses([member.email, coordinator.email]) == {
        coordinator.email
    }


@pytest.mark.parametrize(
    ("service", "payload"),
    [
        ("postmark", lambda email, d: postmark_bounce(email, d, kind="SoftBounce")),
        ("postmark", lambda email, d: postmark_bounce(email, d, kind="Transient")),
        ("postmark", postmark_delivered),
        ("mailjet", lambda email, d: [mailjet_event(email, d, hard=False)]),
        ("mailjet", lambda email, d: [mailjet_event(email, d, event="blocked")]),
        ("mailjet", lambda email, d: [mailjet_event(email, d, event="sent")]),
    ],
    ids=["soft", "transient", "delivered", "mj-soft", "mj-blocked", "mj-sent"],
)
def test_a_soft_bounce_or_a_delivery_changes_nothing(client, member, network, service, payload):
    delivery = _delivery(member, network)

    for _ in range(suppression.SUPPRESS_AFTER_HARD_BOUNCES + 1):
        assert _post(client, service, payload(member.email, delivery)).status_code == 200

    assert not EmailSuppression.objects.exists()
    delivery.refresh_from_db()
    assert delivery.status == Status.SENT


def test_a_bounce_without_our_metadata_falls_on_the_latest_announcement_sent_there(
    client, member, network
):
    long_ago = _delivery(member, network, sent_at=timezone.now() - datetime.timedelta(days=10))
    latest = _delivery(member, network)

    _post(client, "postmark", postmark_bounce(member.email.upper()))

    latest.refresh_from_db()
    long_ago.refresh_from_db()
    assert (latest.status, long_ago.status) == (Status.BOUNCED, Status.SENT)
    assert EmailSuppression.objects.get(address=member.email).hard_bounces == 1


def test_a_bounce_of_an_address_nobody_has_still_counts_against_it(client):
    _post(client, "postmark", postmark_bounce("gone@school.example"))

    assert EmailSuppression.objects.get(address="gone@school.example").hard_bounces == 1


@pytest.mark.parametrize(
    ("service", "event_type", "raw", "reason", "permanent"),
    [
        ("Amazon SES", "bounced", {"bounce": {"bounceType": "Permanent"}}, "bounced", True),
        ("Amazon SES", "bounced", {"bounce": {"bounceType": "Transient"}}, "bounced", False),
        ("Brevo", "bounced", {"event": "hard_bounce"}, "bounced", True),
        ("Brevo", "bounced", {"event": "soft_bounce"}, "bounced", False),
        ("SparkPost", "bounced", {"msys": {"message_event": {"bounce_class": "10"}}}, "bounced",
         True),
        ("SparkPost", "bounced", {"msys": {"message_event": {"bounce_class": "22"}}}, "bounced",
         False),
        # Services that call a temporary failure "deferred" (Mailgun): a bounce is permanent.
        ("Mailgun", "bounced", {}, "bounced", True),
        ("Mailgun", "deferred", {}, None, False),
        # A service that refuses to send to an address that is invalid or bounced before.
        ("Postmark", "rejected", {"Type": "BadEmailAddress"}, "invalid", True),
        ("Postmark", "rejected", {"Type": "ManuallyDeactivated"}, "blocked", False),
    ],
)  # fmt: skip
def test_which_bounces_count_as_permanent(service, event_type, raw, reason, permanent):
    event = AnymailTrackingEvent(event_type=event_type, esp_event=raw, reject_reason=reason)

    assert tracking.is_permanent_bounce(event, service) is permanent


# Complaints --------------------------------------------------------------------


def test_one_complaint_stops_bulk_mail_at_once(client, member, network):
    delivery = _delivery(member, network)

    response = _post(client, "postmark", postmark_spam_complaint(member.email, delivery))

    assert response.status_code == 200
    assert suppression.suppressed_addresses([member.email]) == {member.email}
    assert suppression.suppression_of(member.email).reason == "complained"
    delivery.refresh_from_db()
    assert delivery.status == Status.COMPLAINED


# Unsubscribes ------------------------------------------------------------------


def test_unsubscribing_at_the_service_stops_that_network_s_announcements(client, member, network):
    other = factories.make_network(name="Banbury Heads")
    factories.make_membership(person=member, network=other)

    _post(client, "postmark", postmark_unsubscribe(member.email, _delivery(member, network)))

    assert services.preference_of(member, network) == Choice.NONE
    assert services.preference_of(member, other) == Choice.EVERY
    event = AuditEvent.objects.get(action="email_preference.changed")
    assert "(email service's unsubscribe)" in event.summary
    assert not EmailSuppression.objects.exists()  # an unsubscribe is not a bounce


def test_unsubscribing_from_a_message_it_cannot_name_stops_all_my_networks(
    client, member, network, other_network
):
    other = factories.make_network(name="Banbury Heads")
    factories.make_membership(person=member, network=other)
    _delivery(member, network)  # an announcement was sent; the event does not say it was this

    _post(client, "postmark", postmark_unsubscribe(member.email))

    assert services.preference_of(member, network) == Choice.NONE
    assert services.preference_of(member, other) == Choice.NONE
    assert not EmailPreference.objects.filter(network=other_network).exists()


# Refused ------------------------------------------------------------------------


@pytest.mark.parametrize("auth", [None, "headnet-events:guessed", "someone:else"])
def test_a_report_without_the_secret_is_refused_and_changes_nothing(client, member, network, auth):
    delivery = _delivery(member, network)
    forged = [
        ("postmark", postmark_spam_complaint(member.email, delivery)),
        ("postmark", postmark_bounce(member.email, delivery)),
        ("postmark", postmark_unsubscribe(member.email, delivery)),
        ("mailjet", [mailjet_event(member.email, delivery, event="spam")]),
    ]

    answers = {_post(client, service, body, auth=auth).status_code for service, body in forged}

    assert answers == {400}
    assert not EmailSuppression.objects.exists()
    assert not EmailPreference.objects.exists()
    delivery.refresh_from_db()
    assert delivery.status == Status.SENT


def test_reports_are_not_received_unless_an_events_path_is_set(client, settings, member):
    settings.ROOT_URLCONF = "config.urls"  # as the site runs without EMAIL_EVENTS_PATH

    response = _post(client, "postmark", postmark_spam_complaint(member.email))

    assert response.status_code == 404
    assert not EmailSuppression.objects.exists()
    assert email_event_urls("") == []


@pytest.mark.parametrize(
    ("environment", "complaint"),
    [
        ({"EMAIL_EVENTS_PATH": "a-long-random-path-for-events"}, "needs ANYMAIL_WEBHOOK_SECRET"),
        ({"EMAIL_EVENTS_PATH": "short", "ANYMAIL_WEBHOOK_SECRET": "a:b"}, "long random string"),
    ],
)
def test_the_settings_refuse_an_events_path_that_is_not_secret(environment, complaint):
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert complaint in result.stderr


# The person's side ----------------------------------------------------------------


def test_after_three_bounces_the_person_sees_the_banner_and_can_start_again(
    client, member, coordinator, network
):
    for number in range(suppression.SUPPRESS_AFTER_HARD_BOUNCES):
        _post(client, "postmark", postmark_bounce(member.email, _delivery(member, network),
                                                  number=number))  # fmt: skip

    client.force_login(coordinator)
    assert "My mailbox works again" not in client.get(reverse("me")).content.decode()
    client.force_login(member)
    html = client.get(reverse("me")).content.decode()
    assert f"Messages to <strong>{member.email}</strong> bounced" in html

    client.post(reverse("portal:email_resume"))

    assert suppression.suppressed_addresses([member.email]) == set()
    assert "My mailbox works again" not in client.get(reverse("me")).content.decode()
    # Counted from zero again: one more bounce stops nothing.
    _post(client, "postmark", postmark_bounce(member.email, _delivery(member, network)))
    assert suppression.suppressed_addresses([member.email]) == set()
