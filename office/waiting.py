"""The office's waiting work: what needs someone in the network, each with its count and
where it is handled. Each count is the same query as the queue it links to (one rule
in one place), and the whole list takes a fixed number of queries."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode

from articles.models import Story, StoryInbox
from attendance import corrections
from fees.models import FeeInvoice
from members import suppression
from networks import access as network_access
from networks.access import NetworkAccess

from .members import MAIL_STOPPED


@dataclass(frozen=True)
class Waiting:
    """One kind of waiting work: how many, what they are, and where to handle them."""

    key: str
    count: int
    what: str  # "join request", pluralised with "s" by the template
    plural: str
    action: str  # the link's words: "Decide them"
    url: str
    explanation: str = ""

    @property
    def label(self) -> str:
        return self.what if self.count == 1 else self.plural


def _members_url(network_slug: str, **query: str) -> str:
    return f"{reverse('office:members', args=[network_slug])}?{urlencode(query)}"


def _invoices_url(perms: NetworkAccess) -> str:
    """The office's fees page, where overdue invoices are marked."""
    return reverse("office:fees", args=[perms.network.slug])


def waiting_work(perms: NetworkAccess) -> list[Waiting]:
    """The waiting work the viewer may act on in the network, in the office's order:
    administrators see everything, coordinators the stories they moderate."""
    network = perms.network
    work: list[Waiting] = []
    if perms.can_administer:
        work.append(
            Waiting(
                key="requests",
                count=network.memberships.pending().count(),
                what="join request to decide",
                plural="join requests to decide",
                action="Approve or decline",
                url=_members_url(network.slug, status="pending"),
            )
        )
        if network.is_school_based:
            work.append(
                Waiting(
                    key="claims",
                    count=network_access.claims_for_network(network).count(),
                    what="post claimed at a member school",
                    plural="posts claimed at member schools",
                    action="Confirm or reject",
                    url=reverse("networks:claims", args=[network.slug]),
                    explanation="Someone says they work at one of the network's schools.",
                )
            )
            work.append(
                Waiting(
                    key="invoices",
                    count=FeeInvoice.objects.filter(network=network).overdue().count(),
                    what="invoice overdue",
                    plural="invoices overdue",
                    action="See the invoices",
                    url=_invoices_url(perms),
                    explanation="Still unpaid after their due date.",
                )
            )
    stories = Story.objects.filter(network=network).waiting().count()
    if stories or StoryInbox.objects.filter(network=network).exists():
        work.append(
            Waiting(
                key="stories",
                count=stories,
                what="story to moderate",
                plural="stories to moderate",
                action="Read and moderate",
                url=reverse("articles:moderation", args=[network.slug]),
            )
        )
    # Shown only when some are waiting: most networks take no corrections most weeks.
    waiting_corrections = corrections.waiting_count(network.pk) if perms.can_coordinate else 0
    if waiting_corrections:
        work.append(
            Waiting(
                key="corrections",
                count=waiting_corrections,
                what="correction to a register to decide",
                plural="corrections to registers to decide",
                action="Confirm or decline",
                url=reverse("attendance:corrections", args=[network.slug]),
                explanation="Someone says they were at a meeting but is not on its register.",
            )
        )
    if perms.can_administer:
        work.append(
            Waiting(
                key="bounces",
                count=network.memberships.active()
                .filter(person__email__in=suppression.stopped().values("address"))
                .count(),
                what="member whose email bounces",
                plural="members whose email bounces",
                action="See who",
                url=_members_url(network.slug, status="active", mail=MAIL_STOPPED),
                explanation="Announcements no longer reach them: ask them to update their "
                "address or say their mailbox works again.",
            )
        )
    return work
