"""The weekly digest: one email on Monday morning across all of a person's networks.

For each network whose email preference (networks.EmailPreference) is the weekly digest,
it gathers what the week brought the person: the announcements held for them (their own
delivery rows, so only announcements whose audience included them; an urgent one went
at once and has no held row), the network's articles published in the week that they may
read (articles.access), and its meetings published in the week that they may see
(meetings.access). Articles and meetings come only from networks they are in (a live
membership: a pending member is told what anyone may read and see); leaving a network
ends its news.

A digest is never sent empty. The DigestSent row (unique per person and week) is written
in the same transaction as the email is queued and the held rows are marked sent, so a
second run, or two at once, sends nobody a second digest for the week. An address that
gets no bulk mail (members.suppression) and an inactive account get none.

People are taken in chunks, each read in a fixed number of queries; the week's articles
and meetings are read once a network for the whole run.

A higher app adds a part of its own to each network's section (the discussions do: the
week's threads) by registering a DigestPart: who wants it at all, and what it holds for
a chunk of people. Announcements never import those apps; they call down to this.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from articles.access import visible_articles
from articles.models import Article
from core.email import queue_email, render_email
from meetings import access as meeting_access
from meetings.models import LONDON, Meeting
from members.models import User
from members.suppression import suppressed_addresses
from networks import access as network_access
from networks.models import EmailPreference, Membership, Network

from . import emails
from .models import Announcement, Delivery, DigestSent
from .tokens import unsubscribe_token

# How many people are read together: their rows in one query each, and a bounded memory.
CHUNK_SIZE = 200
# How many networks a subject names before it says "and N more".
NETWORKS_NAMED = 3
DIGEST = EmailPreference.Choice.DIGEST


@dataclass(frozen=True)
class Week:
    """Monday 00:00 to the next Monday 00:00, London time."""

    monday: datetime.date

    @property
    def start(self) -> datetime.datetime:
        return datetime.datetime.combine(self.monday, datetime.time(), tzinfo=LONDON)

    @property
    def end(self) -> datetime.datetime:
        next_monday = self.monday + datetime.timedelta(days=7)
        return datetime.datetime.combine(next_monday, datetime.time(), tzinfo=LONDON)


def week_of(day: datetime.date) -> Week:
    """The week the day falls in."""
    return Week(day - datetime.timedelta(days=day.weekday()))


def week_just_ended(now: datetime.datetime | None = None) -> Week:
    """The last whole week before now (on a Monday morning: the one that ended at 00:00)."""
    today = timezone.localtime(now or timezone.now(), LONDON).date()
    return week_of(today - datetime.timedelta(days=7))


# What the digest links to: the same links as an announcement's own email.


def unsubscribe_url(person: User, network: Network) -> str:
    """The person's one-click unsubscribe link from the network's announcements."""
    return emails.site_url(emails.unsubscribe_path(unsubscribe_token(person, network)))


# A higher app's part of a digest -----------------------------------------------------


@dataclass(frozen=True)
class PartItem:
    """One line of a part: what it is and its full link."""

    text: str
    url: str


@dataclass
class PartContent:
    """What a part holds for one person in one network's section, with its own link to
    stop it (the part's own unsubscribe)."""

    heading: str
    items: list[PartItem]
    unsubscribe_text: str = ""
    unsubscribe_url: str = ""


@dataclass(frozen=True)
class DigestPart:
    """A part a higher app adds to the digest.

    `wanting()`: the ids of the people who want the part in their digest (a values
    queryset of person ids, used as a subquery), so that they get a digest even with no
    network's announcements on it. `contents(people, week)`: for a chunk of people,
    (person id, network id) -> what it holds for them, in a fixed number of queries.
    """

    name: str
    wanting: Callable[[], QuerySet[Any]]
    contents: Callable[[list[User], "Week"], dict[tuple[int, int], PartContent]]


_parts: dict[str, DigestPart] = {}


def register_part(part: DigestPart) -> None:
    """Add a part to every digest (from the higher app's AppConfig.ready)."""
    _parts[part.name] = part


# One person's digest ----------------------------------------------------------------


@dataclass
class Section:
    """What one network brought one person in the week."""

    network: Network
    announcements: list[tuple[Announcement, str]] = field(default_factory=list)  # with path
    articles: list[Article] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    unsubscribe_url: str = ""
    # The higher apps' parts (DigestPart), each with something in it.
    parts: list[PartContent] = field(default_factory=list)
    # Whether the person chose the digest for the network's announcements (and so has
    # its announcements, articles and meetings here, and the link to stop them).
    announcements_chosen: bool = True

    @property
    def is_empty(self) -> bool:
        return not (self.announcements or self.articles or self.meetings or self.parts)


@dataclass
class Digest:
    """One person's digest for one week: a section for each network with news."""

    person: User
    week: Week
    sections: list[Section]
    # Their held delivery rows it includes: marked sent when it is queued.
    delivery_ids: list[int]

    @property
    def is_empty(self) -> bool:
        return not self.sections


def _named(networks: Sequence[Network]) -> str:
    labels = [network.label for network in networks[:NETWORKS_NAMED]]
    more = len(networks) - len(labels)
    if more:
        return f"{', '.join(labels)} and {more} more"
    if len(labels) == 1:
        return labels[0]
    return f"{', '.join(labels[:-1])} and {labels[-1]}"


def headers_for(digest: Digest) -> dict[str, str]:
    """List-Id for the digest as a list of its own, and List-Unsubscribe.

    One network with one thing to stop (its announcements, or a part such as its
    discussions): its one-click unsubscribe (RFC 8058). More: RFC 8058 allows a single
    https link, which cannot stop several lists' mail at once, so the header names the
    preferences page (RFC 2369), and each section of the body has its own unsubscribe
    links.
    """
    host = urlsplit(settings.SITE_URL).hostname or "headnet.localhost"
    headers = {"List-Id": f"Headnet weekly digest <weekly-digest.{host}>"}
    links = []
    if len(digest.sections) == 1:
        section = digest.sections[0]
        links = [section.unsubscribe_url] if section.announcements_chosen else []
        links += [part.unsubscribe_url for part in section.parts if part.unsubscribe_url]
    if len(links) == 1:
        headers["List-Unsubscribe"] = f"<{links[0]}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    else:
        headers["List-Unsubscribe"] = f"<{emails.site_url(emails.preferences_path())}>"
    return headers


def render_digest(digest: Digest) -> tuple[str, str, str]:
    """Subject, plain-text body and HTML body."""
    context = {
        "person": digest.person,
        "week_start": digest.week.monday,
        "week_end": digest.week.monday + datetime.timedelta(days=6),
        "sections": digest.sections,
        "networks_named": _named([section.network for section in digest.sections]),
        "preferences_url": emails.site_url(emails.preferences_path()),
    }
    subject, body = render_email("announcements/email/digest", context)
    html_body = render_to_string(
        "announcements/email/digest_message.html",
        {**context, "site_url": settings.SITE_URL.rstrip("/"), "subject": subject},
    )
    return subject, body, html_body


@transaction.atomic
def send_digest(digest: Digest) -> bool:
    """Queue the person's digest and mark its held rows sent, unless they have had this
    week's; True when it was queued."""
    try:
        # A savepoint of its own: only this insert's clash means "sent already".
        with transaction.atomic():
            DigestSent.objects.create(person=digest.person, week_of=digest.week.monday)
    except IntegrityError:
        return False
    Delivery.objects.filter(pk__in=digest.delivery_ids, status=Delivery.Status.DIGEST).update(
        status=Delivery.Status.SENT, sent_at=timezone.now()
    )
    subject, body, html_body = render_digest(digest)
    queue_email(
        subject=subject,
        body=body,
        html_body=html_body,
        to=[digest.person.email],
        from_email=settings.ANNOUNCEMENTS_FROM_EMAIL,
        headers=headers_for(digest),
    )
    return True


# Everyone's digests ------------------------------------------------------------------


@dataclass
class DigestRun:
    """What a run did: digests queued, and the people who got none and why."""

    sent: int = 0
    already_sent: int = 0
    empty: int = 0
    suppressed: int = 0


class _WeekNews:
    """The week's articles and meetings, read once a network for the whole run."""

    def __init__(self, week: Week):
        self.week = week
        self._articles: dict[tuple[int, bool], list[Article]] = {}
        self._meetings: dict[int, list[Meeting]] = {}

    def articles(self, perms: network_access.NetworkAccess) -> list[Article]:
        """The network's articles of the week the person may read: visible_articles, asked
        once for members and once for everyone else (all it goes by)."""
        key = (perms.network.pk, perms.is_member)
        if key not in self._articles:
            self._articles[key] = list(
                visible_articles(perms)
                .filter(published_at__gte=self.week.start, published_at__lt=self.week.end)
                .select_related("network")
                .order_by("published_at", "pk")
            )
        return self._articles[key]

    def meetings(self, networks: Iterable[Network]) -> dict[int, list[Meeting]]:
        """network id -> its meetings published in the week and not over by its end (an
        urgent one went at once to everyone who wants urgent news), soonest first."""
        wanted = {network.pk for network in networks} - set(self._meetings)
        if wanted:
            found: dict[int, list[Meeting]] = {network_id: [] for network_id in wanted}
            for meeting in (
                Meeting.objects.filter(
                    network__in=wanted,
                    state=Meeting.State.PUBLISHED,
                    published_at__gte=self.week.start,
                    published_at__lt=self.week.end,
                    ends_at__gte=self.week.end,
                )
                .exclude(kind=Meeting.Kind.URGENT)
                .select_related("network", "venue_school")
                .order_by("starts_at", "pk")
            ):
                found[meeting.network_id].append(meeting)
            self._meetings.update(found)
        return self._meetings


def _places(ids: list[int], network_ids: set[int]) -> dict[tuple[int, int], Membership]:
    """(person id, network id) -> the person's live place in the network."""
    member_of: dict[tuple[int, int], Membership] = {}
    # An active place counts over a pending one.
    for membership in Membership.objects.live().filter(person__in=ids, network__in=network_ids):
        if membership.person_id is None:  # only an ended seat has none
            continue
        key = (membership.person_id, membership.network_id)
        if membership.is_active or key not in member_of:
            member_of[key] = membership
    return member_of


def _part_contents(
    people: list[User], week: Week
) -> defaultdict[int, dict[int, list[PartContent]]]:
    """The higher apps' parts: person id -> network id -> each part's content there."""
    found: defaultdict[int, dict[int, list[PartContent]]] = defaultdict(dict)
    for part in _parts.values():
        for (person_id, network_id), content in part.contents(people, week).items():
            if content.items:
                found[person_id].setdefault(network_id, []).append(content)
    return found


def _digests_for(people: list[User], week: Week, news: _WeekNews) -> list[Digest]:
    """The digests of a chunk of people, in a fixed number of queries."""
    ids = [person.pk for person in people]
    chosen: dict[int, list[int]] = defaultdict(list)
    for person_id, network_id in (
        EmailPreference.objects.filter(person__in=ids, choice=DIGEST)
        .order_by("network_id")
        .values_list("person_id", "network_id")
    ):
        chosen[person_id].append(network_id)
    network_ids = {network_id for networks in chosen.values() for network_id in networks}
    part_contents = _part_contents(people, week)
    networks = Network.objects.in_bulk(
        network_ids | {network_id for parts in part_contents.values() for network_id in parts}
    )
    member_of = _places(ids, network_ids)
    held: dict[tuple[int, int], list[Delivery]] = defaultdict(list)
    for delivery in (
        Delivery.objects.filter(
            person__in=ids,
            status=Delivery.Status.DIGEST,
            announcement__network__in=network_ids,
            announcement__sent_at__gte=week.start,
            announcement__sent_at__lt=week.end,
        )
        .select_related("announcement__network")
        .order_by("announcement__sent_at", "pk")
    ):
        held[(delivery.person_id, delivery.announcement.network_id)].append(delivery)
    meetings_of = news.meetings(networks.values())
    # Who may see each meeting, asked for every pair at once (people in the network only).
    may_see = {
        (person.pk, meeting.pk)
        for person, meeting in meeting_access.who_may_see(
            (
                (person, meeting)
                for person in people
                for network_id in chosen[person.pk]
                if (person.pk, network_id) in member_of
                for meeting in meetings_of[network_id]
            ),
            member_of.values(),
        )
    }

    digests = []
    for person in people:
        sections, delivery_ids = [], []
        parts_of = part_contents[person.pk]
        for network_id in sorted(set(chosen[person.pk]) | set(parts_of)):
            network = networks[network_id]
            section = Section(
                network=network,
                unsubscribe_url=unsubscribe_url(person, network),
                parts=parts_of.get(network_id, []),
                announcements_chosen=network_id in chosen[person.pk],
            )
            if section.announcements_chosen:
                deliveries = held[(person.pk, network_id)]
                section.announcements = [
                    (delivery.announcement, emails.announcement_path(delivery.announcement))
                    for delivery in deliveries
                ]
                delivery_ids += [delivery.pk for delivery in deliveries]
                place = member_of.get((person.pk, network_id))
                if place is not None:
                    perms = network_access.with_membership(person, network, place)
                    section.articles = news.articles(perms)
                    section.meetings = [
                        meeting
                        for meeting in meetings_of[network_id]
                        if (person.pk, meeting.pk) in may_see
                    ]
            if not section.is_empty:
                sections.append(section)
        digests.append(Digest(person, week, sections, delivery_ids))
    return digests


def _people_waiting(week: Week, after: int, limit: int) -> list[User]:
    """The next active people (by id) with a network on the digest (its announcements, or
    a part of a higher app) and no digest this week (an inactive account gets none)."""
    wanting = Q(pk__in=EmailPreference.objects.filter(choice=DIGEST).values("person_id"))
    for part in _parts.values():
        wanting |= Q(pk__in=part.wanting())
    return list(
        User.objects.filter(wanting, pk__gt=after, is_active=True)
        .exclude(digests_sent__week_of=week.monday)
        .order_by("pk")[:limit]
    )


def send_weekly_digests(*, week: Week | None = None, chunk_size: int = CHUNK_SIZE) -> DigestRun:
    """Queue the week's digest (the week just ended unless told) for everyone who chose
    one for a network and has news in it; safe to run twice."""
    week = week or week_just_ended()
    news = _WeekNews(week)
    run = DigestRun()
    after = 0
    while people := _people_waiting(week, after, chunk_size):
        after = people[-1].pk
        suppressed = suppressed_addresses(person.email for person in people)
        for digest in _digests_for(people, week, news):
            if digest.is_empty:
                run.empty += 1
            elif digest.person.email in suppressed:
                # Their held copies are recorded as stopped, as the fan-out records them.
                Delivery.objects.filter(
                    pk__in=digest.delivery_ids, status=Delivery.Status.DIGEST
                ).update(status=Delivery.Status.SUPPRESSED)
                run.suppressed += 1
            elif send_digest(digest):
                run.sent += 1
            else:
                run.already_sent += 1
    return run
