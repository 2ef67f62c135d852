"""An administrator's waiting work, network by network: for the admin's dashboard and the
top of /me/, which leads with the person's mentoring and coaching work. A fixed number of
queries however many networks (grouped counts)."""

from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from fees.models import FeeInvoice, FeeScheme
from members.models import Post, in_school_lines
from networks import access
from networks.models import Membership, Network
from support import work as support_work

# Site staff see every network; the dashboard lists those with something waiting, at most:
STAFF_ROWS = 25


@dataclass
class NetworkWork:
    """One network's figures."""

    network: Network
    pending: int = 0
    claims: int = 0
    members: int = 0
    fee_year: str = ""
    fee_year_start: int | None = None
    due: int = 0
    due_pence: int = 0
    paid: int = 0
    paid_pence: int = 0
    has_fees: bool = False

    @property
    def waiting(self) -> int:
        return self.pending + self.claims


@dataclass
class Dashboard:
    rows: list[NetworkWork] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return sum(row.waiting for row in self.rows)

    @property
    def due(self) -> int:
        return sum(row.due for row in self.rows)


def _count_per_network(queryset, counted: str = "pk"):
    """A count of the queryset's rows for each network of an outer query (a subquery)."""
    return Coalesce(
        Subquery(
            queryset.filter(network=OuterRef("pk"))
            .order_by()
            .values("network")
            .annotate(n=Count(counted, distinct=True))
            .values("n")
        ),
        0,
    )


def _network_ids(user) -> set[int] | None:
    """The networks whose work is the user's: None meaning all (site staff)."""
    return None if user.is_superuser else access.administered_network_ids(user)


def dashboard_for(user) -> Dashboard:
    """The user's networks' pending requests, claims, members and this year's fees."""
    return network_figures(_network_ids(user))


def network_figures(ids: set[int] | None) -> Dashboard:
    """Pending requests, claims, members and this year's fees of these networks (None:
    site staff's view, the networks with most waiting)."""
    if ids is not None and not ids:
        return Dashboard()
    # The networks with their counts and fee scheme, in one query.
    networks = (
        Network.objects.order_by("name")
        .select_related("fee_scheme")
        .annotate(
            pending_count=_count_per_network(Membership.objects.pending()),
            claim_count=_count_per_network(
                Membership.objects.live().filter(
                    school__posts__in=Post.objects.awaiting_decision()
                ),
                counted="school__posts",
            ),
            member_count=_count_per_network(Membership.objects.active()),
        )
    )
    if ids is not None:
        networks = networks.filter(pk__in=ids)
    rows = [
        NetworkWork(
            network=network,
            pending=network.pending_count,
            claims=network.claim_count,
            members=network.member_count,
        )
        for network in networks
    ]
    if ids is None:  # staff: the networks with something waiting, not all three hundred
        busy = sorted((row for row in rows if row.waiting), key=lambda row: -row.waiting)
        rows = sorted(busy[:STAFF_ROWS], key=lambda row: row.network.name)
    _add_fees(rows)
    return Dashboard(rows)


def _add_fees(rows: list[NetworkWork]) -> None:
    """This fee year's invoices due and paid, per network (one query; the schemes came
    with the networks)."""
    by_network = {row.network.pk: row for row in rows}
    schemes = [scheme for row in rows if (scheme := _scheme_of(row.network))]
    if not schemes:
        return
    this_year = Q()
    for scheme in schemes:
        row = by_network[scheme.network_id]
        row.has_fees = True
        row.fee_year_start = scheme.current_year()
        row.fee_year = scheme.year_label(row.fee_year_start)
        this_year |= Q(
            network=scheme.network_id, year=row.fee_year_start, year_kind=scheme.year_kind
        )
    totals = (
        FeeInvoice.objects.filter(this_year)
        .values_list("network", "state")
        .annotate(n=Count("pk"), pence=Sum("amount_pence"))
    )
    for network_id, state, count, pence in totals:
        row = by_network[network_id]
        if state == FeeInvoice.State.DUE:
            row.due, row.due_pence = count, pence or 0
        elif state == FeeInvoice.State.PAID:
            row.paid, row.paid_pence = count, pence or 0


def _scheme_of(network: Network) -> FeeScheme | None:
    try:
        return network.fee_scheme
    except FeeScheme.DoesNotExist:
        return None


def claims_as_head(user) -> list[Post]:
    """Claims and seat questions at schools the user leads (verified): theirs to decide.
    Uses the user's prefetched posts (User.objects.load_posts): no query for a non-head."""
    led = [post.school_id for post in user.current_posts() if post.is_verified and post.is_headship]
    if not led:
        return []
    return list(
        Post.objects.awaiting_decision()
        .filter(school__in=led)
        .exclude(person=user)
        .select_related("person", "school")
        .defer("person__password")  # kept in the cache with /me/: no hashes there
        .order_by("created_at")[:20]
    )


@dataclass
class MyWork:
    """The top of /me/: what waits for the person, and their schools' fees this year."""

    support: support_work.SupportWork = field(default_factory=support_work.SupportWork)
    networks: list[NetworkWork] = field(default_factory=list)
    claims: list[Post] = field(default_factory=list)
    fees: list[tuple[Membership, FeeInvoice | None, str]] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return bool(self.support.anything or self.networks or self.claims)

    @property
    def fee_schools(self) -> list:
        """The schools whose fees are listed, each once: their heads name a finance contact."""
        return list({seat.school_id: seat.school for seat, _invoice, _year in self.fees}.values())


def my_work(person, active: list[Membership], *, support: support_work.SupportWork) -> MyWork:
    """Mentoring and coaching (`support`: support.work.work_for's), requests, claims and
    invoices waiting for the person; `active`: their active memberships (with network,
    its fee scheme and school), already fetched by the page."""
    administered = [m.network_id for m in active if m.can_administer]
    work = MyWork(support=support, claims=claims_as_head(person))
    if administered:
        dashboard = network_figures(set(administered))
        work.networks = [row for row in dashboard.rows if row.waiting or row.due]
    work.fees = school_fees(active)
    return work


def school_fees(active: list[Membership]) -> list[tuple[Membership, FeeInvoice | None, str]]:
    """For each school seat the person holds in a network with a fee: this year's invoice
    (None: not raised yet; after an academy conversion, perhaps the closed school's) and
    the fee year's name. One query: the memberships come with network__fee_scheme."""
    seats = [m for m in active if m.school_id]
    schemes = {seat.network_id: scheme for seat in seats if (scheme := _scheme_of(seat.network))}
    if not schemes:
        return []
    wanted = Q(pk__in=[])
    for seat in seats:
        scheme = schemes.get(seat.network_id)
        if scheme:
            this_year = Q(
                network=seat.network_id, year=scheme.current_year(), year_kind=scheme.year_kind
            )
            wanted |= this_year & in_school_lines("school", [seat.school_id])
    seat_schools = {seat.school_id for seat in seats}
    invoices: dict[tuple[int, int | None], FeeInvoice] = {}
    # A school's own invoice first: a closed school's stands for the year only without it.
    found = (
        FeeInvoice.objects.filter(wanted)
        .select_related("school")
        .order_by(F("school__successor").asc(nulls_first=True))
    )
    for invoice in found:
        invoices.setdefault((invoice.network_id, invoice.counts_for(seat_schools)), invoice)
    return [
        (
            seat,
            invoices.get((seat.network_id, seat.school_id)),
            schemes[seat.network_id].year_label(schemes[seat.network_id].current_year()),
        )
        for seat in seats
        if seat.network_id in schemes
    ]
