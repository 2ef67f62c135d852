"""A network's fees as its office shows them: a year's invoices, their totals, and what
waits (reads only; the changes are in services)."""

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet, Sum

from core.money import format_pence
from networks.models import Network

from . import services
from .models import FeeInvoice, FeeScheme


@dataclass
class StateTotal:
    """The invoices of one state in the year: how many, and their amount."""

    state: str
    label: str
    count: int = 0
    pence: int = 0

    @property
    def amount_display(self) -> str:
        return format_pence(self.pence)


@dataclass
class YearFees:
    """One fee year of a network: its invoices (school and state), totals by state, the
    member schools not yet invoiced, and the invoices a reminder may go to now."""

    year: int
    label: str
    invoices: list[FeeInvoice]
    totals: list[StateTotal]
    not_invoiced: int
    ready_for_reminder: int
    years: list[tuple[int, str]] = field(default_factory=list)

    @property
    def invoiced(self) -> StateTotal:
        return StateTotal(
            state="",
            label="Invoiced",
            count=sum(total.count for total in self.totals),
            pence=sum(total.pence for total in self.totals),
        )


def year_invoices(network: Network, scheme: FeeScheme, year: int) -> QuerySet[FeeInvoice]:
    return FeeInvoice.objects.filter(
        network=network, year=year, year_kind=scheme.year_kind
    ).select_related("school")


def year_fees(network: Network, scheme: FeeScheme, year: int | None = None) -> YearFees:
    """The year's fees (this fee year unless told): five queries, whatever the number of
    schools."""
    this_year = scheme.current_year()
    years = sorted(
        set(
            FeeInvoice.objects.filter(network=network, year_kind=scheme.year_kind)
            .values_list("year", flat=True)
            .distinct()
        )
        | {this_year},
        reverse=True,
    )
    year = year if year in years else this_year
    invoices = list(year_invoices(network, scheme, year).order_by("school__name"))
    by_state = {
        row["state"]: row
        for row in year_invoices(network, scheme, year)
        .order_by()
        .values("state")
        .annotate(count=Count("pk"), pence=Sum("amount_pence"))
    }
    totals = [
        StateTotal(
            state=state.value,
            label=state.label,
            count=by_state.get(state.value, {}).get("count", 0),
            pence=by_state.get(state.value, {}).get("pence") or 0,
        )
        for state in FeeInvoice.State
    ]
    not_invoiced = (
        services.member_schools(network)
        .exclude(pk__in=year_invoices(network, scheme, year).values("school_id"))
        .count()
        if year == this_year
        else 0
    )
    ready = services.due_for_reminder().filter(network=network).count()
    return YearFees(
        year=year,
        label=scheme.year_label(year),
        invoices=invoices,
        totals=totals,
        not_invoiced=not_invoiced,
        ready_for_reminder=ready,
        years=[(each, scheme.year_label(each)) for each in years],
    )
