"""Who represents a network on outside boards, and their reports back: the rules and the
services, the only door for a change to either (docs/rules.md, "Representatives and
their reports back").

Who may do what (every view asks here, for the object in hand, fetched through its
network so that another network's is a 404):

- Seeing who represents the network (its page's "Who represents us", and the list of
  current and past terms): everyone, visitors too. Representing a network on a county
  board is a public role, named as the network's coordinators are on its page.
- Adding a representative and ending a term: the network's coordinators and
  administrators, and site staff (`perms.can_coordinate`).
- Posting a report: the representative themself, while their term runs and they are an
  active member of the network; or a coordinator on their behalf, at any time (a last
  report after the term ended).
- Reading reports: the network's active members and site staff (`perms.is_member`), as
  its announcements are read. Never a visitor.

A term is current until the day it ends: a term ended today is past at once, which is
what a coordinator who ends one expects to see.

A report also goes to the members by email, as an announcement to everyone in the
network written by the person who posted it (announcements.services). So each member's
preference (every one, a weekly digest, none), their unsubscribe link and the stop on
an address that bounced all apply, and the report is in the network's announcements
too. It counts toward the per-network and per-sender daily limits like any other
announcement: it is the same email to the same inboxes, and the limits are there to
keep those inboxes from being flooded; a representative who is a plain member would
otherwise have a way to send the whole network unlimited mail. A report whose email
would pass a limit is not posted; it can be posted the next day.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from announcements import services as announcement_services
from announcements.models import Announcement
from core import audit
from core.markdown import render_markdown
from members.models import User
from networks import access as network_access
from networks.access import NetworkAccess
from networks.models import Membership, Network

from .models import Report, Representative

# The subject of a report's announcement fits the announcement's.
SUBJECT_LENGTH = Announcement._meta.get_field("subject").max_length or 150


# The rules ----------------------------------------------------------------------------


def current_q(today: datetime.date | None = None) -> Q:
    """Terms still running on the day (today by default): no end, or an end still to come."""
    today = today or timezone.localdate()
    return Q(term_ends_on__isnull=True) | Q(term_ends_on__gt=today)


def is_current(representative: Representative, today: datetime.date | None = None) -> bool:
    """current_q for one representative in hand, without a query."""
    today = today or timezone.localdate()
    return representative.term_ends_on is None or representative.term_ends_on > today


def current_of(network: Network) -> QuerySet[Representative]:
    """The network's representatives whose terms run today, by board then name."""
    return network.representatives.filter(current_q()).order_by("board", "name", "pk")


def past_of(network: Network) -> QuerySet[Representative]:
    """The network's ended terms, the most recently ended first."""
    return network.representatives.exclude(current_q()).order_by("-term_ends_on", "board", "pk")


def reports_of(network: Network) -> QuerySet[Report]:
    """The network's reports, newest first, each with its representative."""
    return (
        Report.objects.filter(representative__network=network)
        .select_related("representative")
        .order_by("-posted_at", "-pk")
    )


def can_manage(perms: NetworkAccess) -> bool:
    """Adding representatives and ending terms: coordinators, administrators, site staff."""
    return perms.can_coordinate


def can_read_reports(perms: NetworkAccess) -> bool:
    """The network's active members and site staff; never a visitor."""
    return perms.is_member


def may_report_for(
    perms: NetworkAccess, user: User | AnonymousUser, representative: Representative
) -> bool:
    """The representative themself (an active member, while the term runs), or a
    coordinator on their behalf."""
    if perms.can_coordinate:
        return True
    return (
        perms.is_member
        and representative.person_id is not None
        and representative.person_id == user.pk
        and is_current(representative)
    )


def members_to_choose(network: Network) -> QuerySet[User]:
    """The people a coordinator may name as a representative: the network's active members."""
    return (
        User.objects.filter(
            pk__in=Membership.objects.active().filter(network=network).values("person")
        )
        .order_by("last_name", "first_name", "pk")
        .only("pk", "first_name", "last_name", "email")
    )


# Access for the views -----------------------------------------------------------------


@dataclass(frozen=True)
class RepresentativesAccess:
    """What one person may do with one network's representatives and reports."""

    perms: NetworkAccess

    @property
    def network(self) -> Network:
        return self.perms.network

    @property
    def can_manage(self) -> bool:
        return can_manage(self.perms)

    @property
    def can_read_reports(self) -> bool:
        return can_read_reports(self.perms)


def get_access(user: User | AnonymousUser, slug: str) -> RepresentativesAccess:
    """Anyone's view of the network's representatives (they are public); 404 for no network."""
    return RepresentativesAccess(network_access.for_network(user, network_access.get_network(slug)))


def get_access_to_manage(user: User | AnonymousUser, slug: str) -> RepresentativesAccess:
    """The network, for its coordinators; 403 for anyone else."""
    reps = get_access(user, slug)
    if not reps.can_manage:
        raise PermissionDenied(
            f"Only coordinators of {reps.network.name} can change who represents it."
        )
    return reps


def get_representative_to_manage(
    user: User | AnonymousUser, slug: str, pk: int
) -> tuple[Representative, RepresentativesAccess]:
    """One of the network's representatives, for its coordinators (403); 404 if it is
    not this network's."""
    reps = get_access_to_manage(user, slug)
    return get_object_or_404(reps.network.representatives, pk=pk), reps


def get_representative_to_report_for(
    user: User | AnonymousUser, slug: str, pk: int
) -> tuple[Representative, RepresentativesAccess]:
    """One of the network's representatives, if the user may post a report for them (403
    otherwise); 404 if it is not this network's."""
    reps = get_access(user, slug)
    representative = get_object_or_404(reps.network.representatives, pk=pk)
    if not may_report_for(reps.perms, user, representative):
        raise PermissionDenied(
            "Only the representative, while their term runs, or a coordinator of "
            f"{reps.network.name} can post a report for them."
        )
    return representative, reps


def get_access_to_reports(user: User | AnonymousUser, slug: str) -> RepresentativesAccess:
    """The network's reports, for its members (403 for anyone else signed in)."""
    reps = get_access(user, slug)
    if not reps.can_read_reports:
        raise PermissionDenied(
            f"Only members of {reps.network.name} can read its representatives' reports."
        )
    return reps


def get_report_for_user(
    user: User | AnonymousUser, slug: str, pk: int
) -> tuple[Report, RepresentativesAccess]:
    """One report of the network, for its members (403); 404 if it is not this network's."""
    reps = get_access_to_reports(user, slug)
    return get_object_or_404(reports_of(reps.network), pk=pk), reps


# Services -----------------------------------------------------------------------------


@transaction.atomic
def add_representative(
    *,
    network: Network,
    by: User | None,
    board: str,
    term_starts_on: datetime.date,
    term_ends_on: datetime.date | None = None,
    person: User | None = None,
    name: str = "",
) -> Representative:
    """Name who represents the network on a board: one of its active members, or a
    person outside Headnet by name; audited."""
    board, name = board.strip(), name.strip()
    errors: dict[str, str] = {}
    if person is not None and name:
        errors["name"] = "Choose a member or give a name, not both."
    elif person is None and not name:
        errors["person"] = "Choose the member who represents the network, or give a name."
    elif (
        person is not None
        and not Membership.objects.active().filter(network=network, person=person).exists()
    ):
        errors["person"] = f"Choose an active member of {network.label}."
    elif person is not None and not person.get_full_name():
        # The list is public: never show a member's address in place of a name.
        errors["person"] = (
            "This member has not given their name on Headnet: type it as a name instead."
        )
    if not board:
        errors["board"] = "Name the board or group they sit on."
    if term_ends_on is not None and term_ends_on < term_starts_on:
        errors["term_ends_on"] = "The term cannot end before it starts."
    if errors:
        raise ValidationError(errors)
    representative = Representative.objects.create(
        network=network,
        person=person,
        name=person.get_full_name() if person is not None else name,
        board=board,
        term_starts_on=term_starts_on,
        term_ends_on=term_ends_on,
    )
    audit.record(
        obj=representative,
        action="representative.added",
        summary=f"{representative.name} represents {network.label} on {board}",
        actor=by,
        subject=person,
        network_id=network.pk,
        changes={
            "Board": ["", board],
            "Term starts": ["", str(term_starts_on)],
            **({"Term ends": ["", str(term_ends_on)]} if term_ends_on else {}),
        },
    )
    return representative


@transaction.atomic
def end_term(
    *, representative: Representative, by: User | None, ends_on: datetime.date | None = None
) -> Representative:
    """End a running term on the day given (today by default); audited."""
    locked = (
        Representative.objects.select_for_update(of=("self",))
        .select_related("network")
        .get(pk=representative.pk)
    )
    ends_on = ends_on or timezone.localdate()
    if not is_current(locked):
        raise ValidationError("This term has already ended.")
    if ends_on < locked.term_starts_on:
        raise ValidationError({"ends_on": "The term cannot end before it started."})
    before = str(locked.term_ends_on or "")
    locked.term_ends_on = ends_on
    locked.save(update_fields=["term_ends_on"])
    audit.record(
        obj=locked,
        action="representative.term_ended",
        summary=f"{locked.name}'s term on {locked.board} ended",
        actor=by,
        subject=locked.person,
        network_id=locked.network_id,
        changes={"Term ends": [before, str(ends_on)]},
    )
    return locked


def _announcement_body(report: Report) -> str:
    representative = report.representative
    link = settings.SITE_URL.rstrip("/") + reverse(
        "voice:report_detail", args=[representative.network.slug, report.pk]
    )
    return (
        f"*A report back from {representative.name}, who represents "
        f"{representative.network.label} on {representative.board}.*\n\n"
        f"{report.body}\n\n[Read the report on Headnet]({link})"
    )


@transaction.atomic
def post_report(
    *,
    representative: Representative,
    by: User,
    title: str,
    body: str,
    notify: bool = True,
) -> Report:
    """Post a report back to the network's members, and send it to them as an
    announcement to everyone in the network, by `by` (their preferences decide who gets
    it, how); audited. Refused, whole, if its email cannot go (an announcement limit).

    `notify=False` (demonstration data only) records the announcement as sent without
    emailing anyone, as announcements.services.send_announcement does."""
    title, body = title.strip(), body.strip()
    errors = {}
    if not title:
        errors["title"] = "Give the report a title."
    if not body:
        errors["body"] = "Write what you have to report."
    if errors:
        raise ValidationError(errors)
    network = representative.network
    report = Report.objects.create(
        representative=representative, title=title, body=body, body_html=render_markdown(body)
    )
    draft = announcement_services.save_draft(
        network=network,
        author=by,
        subject=Truncator(title).chars(SUBJECT_LENGTH),
        body=_announcement_body(report),
        audience=Announcement.Audience.NETWORK,
    )
    try:
        announcement_services.send_announcement(announcement=draft, by=by, notify=notify)
    except ValidationError as error:
        raise ValidationError(
            "The report is not posted, as its email to the members cannot go: "
            + " ".join(error.messages)
        ) from error
    report.announcement = draft
    report.save(update_fields=["announcement"])
    audit.record(
        obj=report,
        action="representative.report_posted",
        summary=f"Report “{title}” from {representative.name} ({representative.board})",
        actor=by,
        subject=representative.person,
        network_id=network.pk,
    )
    return report
