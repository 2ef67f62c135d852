"""What an email service tells us about the announcements it carried: bounces, spam
complaints and unsubscribes, through django-anymail's tracking webhooks.

The webhooks are mounted only when EMAIL_EVENTS_PATH is set (config/urls.py), under
that secret path, and anymail checks each request's basic-auth secret (ANYMAIL's
WEBHOOK_SECRET), and a service's signature where it signs its events, before any event
reaches `receive`: a request that fails is refused (400) and changes nothing.

- A permanent bounce counts against the address (members.suppression: enough of them
  stop bulk mail), and marks the delivery bounced. A temporary one changes nothing.
- A spam complaint stops bulk mail to the address at once, and marks the delivery.
- An unsubscribe through the service's own link or button sets the person's preference
  for the announcement's network to none; when the event does not say which message it
  was about (mail that was not an announcement), for every network they are in: the
  service has stopped mailing them anyway, and more mail than they asked for is the
  worse mistake.
- Anything else (delivered, deferred, opened, clicked) changes nothing.

Each announcement email carries `metadata_for(delivery_id)`, so an event names its
delivery. An event without it falls back to the latest announcement sent to the address
in the last few days.
"""

import datetime
from collections.abc import Callable
from typing import Any

from anymail.signals import AnymailTrackingEvent, EventType, RejectReason
from django.db import transaction
from django.utils import timezone

from members import suppression
from members.models import User
from networks import services as network_services
from networks.models import EmailPreference, Membership

from .models import Delivery

DELIVERY_KEY = "delivery"
# An event without our metadata is pinned on an announcement sent this recently at most:
# services report bounces within minutes or hours, not weeks.
FALLBACK_WINDOW = datetime.timedelta(days=3)
UNSUBSCRIBED_HOW = "email service's unsubscribe"

# The statuses of a delivery whose message went out, which an event may follow.
WENT_OUT: set[str] = {Delivery.Status.SENDING, Delivery.Status.SENT, Delivery.Status.FAILED}


def metadata_for(delivery_id: int) -> dict[str, str]:
    """What an announcement email carries to its email service (anymail's `metadata`), so
    the service's events about it name the delivery."""
    return {DELIVERY_KEY: str(delivery_id)}


def _sparkpost_is_permanent(raw: dict[str, Any]) -> bool:
    # Bounce classes 10 (invalid recipient), 25 (admin failure), 30 (no such recipient)
    # are permanent; SparkPost's others are soft, blocks or auto-replies.
    event: dict[str, Any] = next(iter(raw.get("msys", {}).values()), {})
    return event.get("bounce_class") in {"10", "25", "30"}


# Services that report temporary failures as bounces too, and how each says a bounce is
# permanent. A service not listed reports temporary failures as "deferred" (Mailgun,
# for one), so its bounces count as permanent.
_PERMANENT: dict[str, Callable[[dict[str, Any]], bool]] = {
    "Postmark": lambda raw: raw.get("Type") == "HardBounce",
    "Amazon SES": lambda raw: raw.get("bounce", {}).get("bounceType") == "Permanent",
    "Brevo": lambda raw: raw.get("event") == "hard_bounce",
    "SendinBlue": lambda raw: raw.get("event") == "hard_bounce",
    "Mailjet": lambda raw: bool(raw.get("hard_bounce")),
    "SparkPost": _sparkpost_is_permanent,
}


def is_permanent_bounce(event: AnymailTrackingEvent, esp_name: str) -> bool:
    """Whether the event says mail to the address cannot be delivered, for good: a hard
    bounce, or the service refusing to send to an address that is invalid or bounced."""
    if event.event_type == EventType.REJECTED:
        return event.reject_reason in (RejectReason.INVALID, RejectReason.BOUNCED)
    if event.event_type != EventType.BOUNCED:
        return False
    permanent = _PERMANENT.get(esp_name)
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    return permanent is None or permanent(raw)


def _named_delivery(event: AnymailTrackingEvent) -> Delivery | None:
    value = str((event.metadata or {}).get(DELIVERY_KEY, ""))
    if not value.isdecimal():
        return None
    return (
        Delivery.objects.select_related("person", "announcement__network")
        .filter(pk=int(value))
        .first()
    )


def _latest_delivery_to(address: str) -> Delivery | None:
    return (
        Delivery.objects.filter(
            person__email=address,
            status=Delivery.Status.SENT,
            sent_at__gte=timezone.now() - FALLBACK_WINDOW,
        )
        .order_by("-sent_at", "-id")
        .first()
    )


def _mark(delivery: Delivery, status: str, *, after: set[str]) -> str:
    """Move the delivery to `status` if it is in one of the `after` statuses; returns its
    status before."""
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    before = locked.status
    if before in after:
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
    return before


@transaction.atomic
def record_bounce(*, address: str, delivery: Delivery | None) -> None:
    """A permanent bounce of mail to the address: counted once per delivery (a service
    that reports the same bounce twice has not seen two)."""
    if delivery is not None:
        before = _mark(delivery, Delivery.Status.BOUNCED, after=WENT_OUT)
        if before == Delivery.Status.BOUNCED:
            return
    suppression.record_hard_bounce(address)


@transaction.atomic
def record_complaint(*, address: str, delivery: Delivery | None) -> None:
    """The address's owner reported our message as spam: bulk mail to it stops."""
    if delivery is not None:
        _mark(delivery, Delivery.Status.COMPLAINED, after=WENT_OUT | {Delivery.Status.BOUNCED})
    suppression.record_complaint(address)


@transaction.atomic
def record_unsubscribe(*, address: str, delivery: Delivery | None) -> None:
    """The person unsubscribed through the email service: no more announcements from the
    message's network, or from any of their networks when the message is not known."""
    if delivery is not None:
        network_services.set_preference(
            person=delivery.person,
            network=delivery.announcement.network,
            choice=EmailPreference.Choice.NONE,
            how=UNSUBSCRIBED_HOW,
        )
        return
    person = User.objects.filter(email=address).first()
    if person is None:
        return
    places = Membership.objects.active().filter(person=person).select_related("network")
    network_services.set_preferences(
        person=person,
        choices={place.network: EmailPreference.Choice.NONE for place in places},
        how=UNSUBSCRIBED_HOW,
    )


def handle(event: AnymailTrackingEvent, esp_name: str) -> None:
    """Act on one verified event from an email service."""
    delivery = _named_delivery(event)
    address = User.objects.normalize_email(event.recipient or "")
    if not address and delivery is not None:
        address = delivery.person.email
    if not address:
        return  # nothing says whose mail it was
    if event.event_type == EventType.UNSUBSCRIBED:
        # Only the message's own network, when the event names it: never a guess.
        record_unsubscribe(address=address, delivery=delivery)
        return
    if event.event_type == EventType.COMPLAINED:
        action = record_complaint
    elif is_permanent_bounce(event, esp_name):
        action = record_bounce
    else:
        return
    action(address=address, delivery=delivery or _latest_delivery_to(address))


def receive(sender: object, event: AnymailTrackingEvent, esp_name: str, **kwargs: object) -> None:
    """anymail's `tracking` signal, connected in AnnouncementsConfig.ready()."""
    handle(event, esp_name)
