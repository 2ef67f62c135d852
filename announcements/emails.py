"""An announcement's email: rendered once per batch, then addressed to each recipient.

Every copy is its own message, to one address, so nobody's address appears in
anybody else's copy, and each carries its own unsubscribe link. The headers follow
what the large mailbox providers ask of bulk mail:

- List-Id (RFC 2919) names the network's announcements as one list, for filters.
- List-Unsubscribe (RFC 2369) with this person's https link, and
  List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058), so a mail program's
  own "unsubscribe" button stops them in one step.
- List-Archive (RFC 2369): the network's announcements on the site.
- Message-ID: the same for every attempt at one person's copy, so a copy sent twice
  (a retry after a send the server took but did not confirm) is one message to them.

No Precedence header: it is not a standard (RFC 2076 lists it as discouraged), and
List-Id already marks the mail as a list's to filters and auto-responders (RFC 3834).
"""

import hashlib
import hmac
import unicodedata
import uuid
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from core.email import ListEmail, render_email
from networks.models import Network

from .models import Announcement
from .tokens import token_for_ids
from .tracking import metadata_for

Audience = Announcement.Audience


def site_url(path: str) -> str:
    """The full address of a path on the site, for a link in an email."""
    return settings.SITE_URL.rstrip("/") + path


def archive_path(network: Network) -> str:
    """The network's sent announcements on the site (List-Archive)."""
    return reverse("announcements:archive", args=[network.slug])


def announcement_path(announcement: Announcement) -> str:
    """The announcement's own page on the site."""
    return announcement.get_absolute_url()


def preferences_path() -> str:
    """The page where a person chooses which announcements they get from each network."""
    return reverse("portal:email_preferences")


def unsubscribe_path(token: str) -> str:
    return reverse("email:unsubscribe", args=[token])


def message_id(announcement_id: int, person_id: int) -> str:
    """The same Message-ID for every attempt at one person's copy, telling nothing about it."""
    # Keyed with the secret, as core.email.message_id_for: neither counted nor guessed.
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"announcement:{announcement_id}:person:{person_id}".encode(),
        hashlib.sha256,
    ).hexdigest()[:32]
    domain = parseaddr(settings.ANNOUNCEMENTS_FROM_EMAIL)[1].rpartition("@")[2]
    return f"<{digest}@{domain or 'headnet.localhost'}>"


def list_id(network: Network) -> str:
    """`"Name" <slug.announcements.host>`: one list per network (RFC 2919)."""
    host = urlsplit(settings.SITE_URL).hostname or "headnet.localhost"
    # The description is a quoted string, in which an encoded word (RFC 2047) is not
    # allowed: letters with accents lose them, and a quote or backslash would end it.
    name = unicodedata.normalize("NFKD", network.name).encode("ascii", "ignore").decode()
    name = " ".join(name.replace('"', "").replace("\\", "").split())
    return f'"{name}" <{network.slug}.announcements.{host}>'


def why_you_get_it(announcement: Announcement) -> str:
    """The footer's reason, as the end of "You get this email because ..."."""
    network = announcement.network
    kind = announcement.audience
    if kind == Audience.SUBGROUP and announcement.subgroup:
        return f"you are a member of {announcement.subgroup.name}, part of {network.name}"
    if kind == Audience.WORKHUB and announcement.workhub:
        return f"you are in the {announcement.workhub.name} workhub of {network.name}"
    if kind == Audience.MEETING and announcement.meeting:
        meeting = announcement.meeting
        on = date_format(timezone.localtime(meeting.starts_at), "j F Y")
        return f"you are going to, or waiting for a place at, {meeting.title} on {on}"
    if kind == Audience.MEETING:
        return f"you had a place at a meeting of {network.name}"
    if kind == Audience.SEAT_HOLDERS:
        return f"you hold your school's seat in {network.name}"
    if kind in (Audience.ATTENDED, Audience.NO_SHOWS) and announcement.meeting:
        meeting = announcement.meeting
        on = date_format(timezone.localtime(meeting.starts_at), "j F Y")
        if kind == Audience.ATTENDED:
            return f"you came to {meeting.title} on {on}"
        return f"you had a place at {meeting.title} on {on}"
    if kind in (Audience.ATTENDED, Audience.NO_SHOWS):
        return f"you had a place at a meeting of {network.name}"
    return f"you are a member of {network.name} or of one of its groups"


class AnnouncementMail:
    """An announcement's email, rendered once and addressed to each recipient in turn.

    Only the unsubscribe link differs from one copy to the next, so the body is
    rendered with a placeholder nobody could have typed, and each copy swaps in its own
    token: a batch of hundreds renders its templates once.
    """

    def __init__(self, announcement: Announcement):
        self.announcement = announcement
        self.network = announcement.network
        self.placeholder = f"unsubscribe-{uuid.uuid4().hex}"
        context = {
            "announcement": announcement,
            "network": self.network,
            "why": why_you_get_it(announcement),
            "announcement_url": site_url(announcement_path(announcement)),
            "preferences_url": site_url(preferences_path()),
            "unsubscribe_url": site_url(unsubscribe_path(self.placeholder)),
        }
        self.subject, self.text = render_email("announcements/email/announcement", context)
        self.html = render_to_string("announcements/email/announcement_message.html", context)
        self.list_headers = {
            "List-Id": list_id(self.network),
            "List-Archive": f"<{site_url(archive_path(self.network))}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }

    def message_to(self, *, person_id: int, address: str, delivery_id: int) -> ListEmail:
        """This person's copy: to their address only, with their own unsubscribe link, and
        the delivery named to an email service (anymail's metadata) for its events."""
        token = token_for_ids(person_id, self.network.pk)
        unsubscribe_url = site_url(unsubscribe_path(token))
        message = ListEmail(
            subject=self.subject,
            body=self.text.replace(self.placeholder, token),
            from_email=settings.ANNOUNCEMENTS_FROM_EMAIL,
            to=[address],
            headers={
                **self.list_headers,
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "Message-ID": message_id(self.announcement.pk, person_id),
            },
        )
        message.attach_alternative(self.html.replace(self.placeholder, token), "text/html")
        # Read by anymail's backends (and ignored by SMTP): bounces name the delivery.
        message.metadata = metadata_for(delivery_id)  # type: ignore[attr-defined]
        return message
