"""The office's member list: one network's memberships, searched and filtered, with
what each row shows. The page and its CSV export read the same list, so a filter
means the same in both."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html_join

from core import dates, fragments, pagecache, widgets
from fees.models import FeeInvoice, FeeScheme
from members import suppression
from members.models import MAIL_STOPS_SCOPE, Post, School
from networks.access import NetworkAccess
from networks.models import Membership, Network, network_scope

from . import access

PAGE_SIZE = 50
ORDER = ["person__last_name", "person__first_name", "pk"]
# What a row shows, and no more (no password hashes, no school addresses).
ROW_FIELDS = [
    "network_id", "person_id", "school_id", "status", "role", "requested_at", "started_at",
    "ended_at", "person__title", "person__first_name", "person__last_name", "person__email",
    "person__show_email_to_members", "school__name", "school__urn",
]  # fmt: skip

# The status filter: people in the network now (the default), or those whose
# membership has ended (kept as a record).
LIVE, ENDED = "", "ended"
STATUS_CHOICES = [
    (LIVE, "Active and pending"),
    (Membership.Status.ACTIVE, "Active"),
    (Membership.Status.PENDING, "Pending approval"),
    (ENDED, "Ended (left, declined, lapsed or removed)"),
]
# This fee year's invoice of the member's school; NOT_INVOICED: none raised yet.
NOT_INVOICED = "none"
FEE_CHOICES = [
    ("", "Any"),
    (FeeInvoice.State.PAID, "Paid"),
    (FeeInvoice.State.DUE, "Unpaid"),
    (FeeInvoice.State.WAIVED, "Waived"),
    (NOT_INVOICED, "Not invoiced yet"),
]
MAIL_STOPPED = "stopped"


def fee_scheme_of(network: Network) -> FeeScheme | None:
    """The network's fee scheme, for a network whose members are schools (one query)."""
    if not network.is_school_based:
        return None
    return FeeScheme.objects.filter(network=network).first()


# A list of more schools than this is no use as a list (nobody goes through thousands of
# options, by keyboard or screen reader, and they made the page megabytes): a larger
# network finds a school's members with the search, which matches school names.
SCHOOL_LIST_MAX = 300


def school_choices(network: Network) -> list[tuple[int, str]] | None:
    """The schools of the network's people now, by name: its seated schools, or for a
    network of people, the schools of its members' current posts; None when there are
    more than SCHOOL_LIST_MAX. Kept in the cache while the network is unchanged; one
    query when not kept."""

    def found() -> list[tuple[int, str]] | None:
        live = Membership.objects.live().filter(network=network)
        if network.is_school_based:
            schools = School.objects.filter(pk__in=live.values("school"))
        else:
            posts = Post.objects.current().filter(person__in=live.values("person"))
            schools = School.objects.filter(pk__in=posts.values("school"))
        listed = list(
            schools.order_by("name", "pk").values_list("pk", "name")[: SCHOOL_LIST_MAX + 1]
        )
        return listed if len(listed) <= SCHOOL_LIST_MAX else None

    # Posts begin and end by date, with no write: a day's list is kept for that day.
    key = f"office:schools:{network.pk}:{timezone.localdate().isoformat()}"
    return pagecache.kept(key, [network_scope(network.slug)], found)


class MemberFilterForm(forms.Form):
    """The member list's search and filters (a GET form: the address can be shared)."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        help_text="A name or a school.",
    )
    # Each select written without a template per option (core.widgets).
    status = forms.ChoiceField(
        label="Status", required=False, choices=STATUS_CHOICES, widget=widgets.Select
    )
    role = forms.ChoiceField(
        label="Role",
        required=False,
        choices=[("", "Any role"), *Membership.Role.choices],
        widget=widgets.Select,
    )
    school = forms.TypedChoiceField(
        label="School", required=False, coerce=int, empty_value=None, widget=widgets.Select
    )
    fee = forms.ChoiceField(
        label="Fee this year", required=False, choices=FEE_CHOICES, widget=widgets.Select
    )
    mail = forms.ChoiceField(
        label="Email",
        required=False,
        choices=[("", "Any"), (MAIL_STOPPED, "Email not reaching them (bouncing)")],
        widget=widgets.Select,
    )

    def __init__(self, *args, network: Network, scheme: FeeScheme | None, **kwargs):
        super().__init__(*args, **kwargs)
        schools = school_choices(network)
        if schools is None:
            # Too many to list: a link to a school's members still filters, and the
            # form keeps it.
            self.fields["school"] = forms.IntegerField(required=False, widget=forms.HiddenInput)
        else:
            self.fields["school"].choices = [("", "Any school"), *schools]
        if scheme is None:
            del self.fields["fee"]
        else:
            self.fields["fee"].label = f"Fee for {scheme.year_label(scheme.current_year())}"

    @property
    def filtering(self) -> bool:
        """Whether anything narrows the list (so the page can offer to clear it)."""
        return self.is_bound and any(self.data.get(name) for name in self.fields)


def filter_fields_shown(form: MemberFilterForm) -> list[tuple]:
    """What the filter form shows of its fields beside what was asked: each one's name,
    label, kind of widget and choices, which are made for the network."""
    return [
        (name, field.label, type(field.widget).__name__, getattr(field, "choices", None))
        for name, field in form.fields.items()
    ]


@dataclass
class MemberList:
    """The network's memberships as filtered, ordered for the page and the export."""

    network: Network
    scheme: FeeScheme | None
    memberships: QuerySet[Membership]
    # The same memberships, to count: without the join that only helps the ordering.
    counted: QuerySet[Membership]
    # Where the count is kept when it depends on the network's memberships alone (filtered
    # by status or role, not by anything of the people's): None when it is not kept.
    count_key: str | None = None

    def count(self) -> int:
        if self.count_key is None:
            return self.counted.count()
        return pagecache.kept(
            self.count_key, [network_scope(self.network.slug)], self.counted.count
        )

    def page(self, number: str | None) -> Page:
        paginator = Paginator(self.memberships, PAGE_SIZE)
        # Counted by count() (Paginator.count is a cached property: set, it is not worked
        # out): on a large network, counting with the join to the people doubled the time.
        paginator.count = self.count()
        return paginator.get_page(number)


def _search(memberships: QuerySet[Membership], text: str) -> QuerySet[Membership]:
    """Every word must be in the person's name or their school's (the seat's, or that of
    one of their current posts)."""
    for word in text.split():
        at_school = Post.objects.current().filter(
            person=OuterRef("person"), school__name__icontains=word
        )
        memberships = memberships.filter(
            Q(person__first_name__icontains=word)
            | Q(person__last_name__icontains=word)
            | Q(school__name__icontains=word)
            | Exists(at_school)
        )
    return memberships


def member_list(
    perms: NetworkAccess, form: MemberFilterForm, scheme: FeeScheme | None
) -> MemberList:
    """The memberships the form asks for, with each row's school (its seat's, or its current
    post's), fee state for this year (`fee_state`, when the network has a fee) and whether
    mail to the person stops (`mail_stopped`): a fixed number of queries however many rows."""
    network = perms.network
    data = form.cleaned_data if form.is_valid() else {}
    memberships = (
        network.memberships.select_related("person", "school")
        .only(*ROW_FIELDS)
        .with_post_school_name()
        .annotate(
            mail_stopped=Exists(suppression.stopped().filter(address=OuterRef("person__email")))
        )
        .order_by(*ORDER)
    )
    status = data.get("status", LIVE)
    if status == ENDED:
        memberships = memberships.exclude(status__in=Membership.LIVE_STATUSES)
    else:
        memberships = memberships.live() if status == LIVE else memberships.filter(status=status)
    if data.get("role"):
        memberships = memberships.filter(role=data["role"])
    if data.get("q"):
        memberships = _search(memberships, data["q"])
    if data.get("school"):
        memberships = _at_school(memberships, network, data["school"])
    if data.get("mail") == MAIL_STOPPED:
        memberships = memberships.filter(mail_stopped=True)
    if scheme is not None:
        this_year = scheme.this_years_invoices().filter(school=OuterRef("school"))
        memberships = memberships.annotate(fee_state=Subquery(this_year.values("state")[:1]))
        fee = data.get("fee")
        if fee == NOT_INVOICED:
            # A school's seat without an invoice (people without a seat have no fee).
            memberships = memberships.filter(school__isnull=False, fee_state__isnull=True)
        elif fee:
            memberships = memberships.filter(fee_state=fee)
    counted = memberships
    if status != ENDED:
        # Always true, as a live membership has a person; it makes the join to the user
        # an inner one, which lets PostgreSQL walk the name index instead of sorting all.
        memberships = memberships.filter(person__last_name__isnull=False)
    narrowed_by_people = any(data.get(name) for name in ("q", "school", "mail", "fee"))
    count_key = (
        None
        if narrowed_by_people
        else f"office:members:count:{network.pk}:{status}:{data.get('role', '')}"
    )
    return MemberList(
        network=network,
        scheme=scheme,
        memberships=memberships,
        counted=counted,
        count_key=count_key,
    )


def _at_school(
    memberships: QuerySet[Membership], network: Network, school_id: int
) -> QuerySet[Membership]:
    if network.is_school_based:
        return memberships.filter(school=school_id)
    return memberships.filter(
        Exists(Post.objects.current().filter(person=OuterRef("person"), school=school_id))
    )


FEE_STATE_LABELS = {
    FeeInvoice.State.PAID: "Paid",
    FeeInvoice.State.DUE: "Unpaid",
    FeeInvoice.State.WAIVED: "Waived",
}


def fee_label(membership: Membership) -> str:
    """This year's fee of the member's school, in words ("" where the network has none)."""
    if not hasattr(membership, "fee_state"):
        return ""
    if membership.school_id is None:
        return ""
    return FEE_STATE_LABELS.get(membership.fee_state, "Not invoiced yet")


@dataclass(frozen=True)
class MemberRow:
    """One row of the list, as the page and the export show it."""

    membership: Membership
    ref: str  # its pk as text, for the form (a number is localised each time it is shown)
    name: str  # the person's full name ("" for none on their profile or a former member)
    school_name: str
    role: str  # the role and status, in words
    status: str
    since: str  # "Member since 3 Mar 2024", "Asked …", "Ended …"
    fee: str
    email: str  # only where the person shares it (networks.access decides)
    manageable: bool  # the viewer may act on it (not their own)
    former: bool  # a former member's, whose person is gone
    mail_stopped: bool  # mail to the person's address stops (it bounced)
    is_viewer: bool  # the viewer's own, shown as such where they may not act on it
    # The pages that ask before declining or removing it (the page's rows only).
    decline_url: str = ""
    remove_url: str = ""
    role_options: str = ""  # an active member's role choices, theirs selected

    def shown(self) -> tuple:
        """Everything the page shows of the row (what its HTML is made of)."""
        return tuple(
            getattr(self, field.name) for field in fields(self) if field.name != "membership"
        )


def _shared_email(perms: NetworkAccess, membership: Membership) -> str:
    """The address where the person shares it with their networks' members; site staff see
    every one. A network's administrators never see an address its owner keeps private."""
    person = membership.person
    return person.email if person is not None and perms.may_see_email_of(person) else ""


def member_address(url_name: str, slug: str) -> Callable[[int], str]:
    """The address of a page about one of the network's memberships, for any pk: reversed
    once for the list, as reversing it for each of 50 rows was a good part of the page."""
    marker = "2147483647"
    before, after = reverse(url_name, args=[slug, int(marker)]).rsplit(marker, 1)
    return lambda pk: f"{before}{pk}{after}"


def role_options(chosen: str) -> str:
    """The options of a member's role select, theirs selected."""
    return format_html_join(
        "",
        "<option value=\"{}\"{}>{}</option>",
        ((value, " selected" if value == chosen else "", label)
         for value, label in Membership.Role.choices),
    )  # fmt: skip


@dataclass(frozen=True)
class RowActions:
    """What a row's actions need, worked out once for the page: where its links go (the
    pages that ask first, then come back to the list as shown) and its role choices."""

    decline: Callable[[int], str]
    remove: Callable[[int], str]
    back_query: str  # "?next=..." for the list as it is shown
    role_options: dict[str, str]  # each role's options, that role selected
    viewer_id: int  # the viewer's, whose own rows are marked

    @classmethod
    def for_list(cls, slug: str, back_query: str, viewer_id: int) -> "RowActions":
        return cls(
            decline=member_address("office:member_decline", slug),
            remove=member_address("office:member_remove", slug),
            back_query=back_query,
            viewer_id=viewer_id,
            role_options={value: role_options(value) for value in Membership.Role.values},
        )


def row_of(
    perms: NetworkAccess, membership: Membership, actions: RowActions | None = None
) -> MemberRow:
    if membership.is_pending:
        label, when = "Asked", membership.requested_at
    elif membership.is_active:
        label, when = "Member since", membership.started_at or membership.requested_at
    else:
        label, when = "Ended", membership.ended_at or membership.requested_at
    person = membership.person
    manageable = person is not None and access.may_manage(perms, membership)
    decline_url = remove_url = options = ""
    if actions is not None and manageable:
        if membership.is_pending:
            decline_url = actions.decline(membership.pk) + actions.back_query
        elif membership.is_active:
            remove_url = actions.remove(membership.pk) + actions.back_query
            options = actions.role_options[membership.role]
    return MemberRow(
        membership=membership,
        ref=str(membership.pk),
        name=person.get_full_name() if person is not None else "",
        school_name=membership.shown_school_name,
        role=Membership.Role(membership.role).label,
        status=Membership.Status(membership.status).label,
        since=f"{label} {dates.short_date(when)}",
        fee=fee_label(membership),
        email=_shared_email(perms, membership),
        manageable=manageable,
        former=person is None,
        mail_stopped=membership.mail_stopped,
        is_viewer=(
            actions is not None
            and not manageable
            and person is not None
            and membership.person_id == actions.viewer_id
        ),
        decline_url=decline_url,
        remove_url=remove_url,
        role_options=options,
    )


# The templates whose HTML a kept list holds (office/members.html is rendered each time).
LIST_TEMPLATES = (
    "office/_member_filters.html",
    "office/_member_rows.html",
    "includes/_pagination.html",
)


def kept_list(
    perms: NetworkAccess, request: HttpRequest, build: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """The list as one viewer sees it at one address (its filters, rows, count and page
    links), kept while nothing it shows is written: `build()` makes it when it is not.

    What the rows show is written under the network's scope (its memberships, fee
    scheme and invoices), the site's (people, schools and posts, which name no scope) or
    MAIL_STOPS_SCOPE (bulk mail stopping at an address). What else it rests on is in the
    key: the viewer and what they may do (their own row, the addresses they see), the
    address asked for (the filters, the page, where each action comes back to), the day
    (current posts, this fee year), the language and time zone, and the release (the
    code and the templates). Nothing kept holds a CSRF token: the page's form adds its
    own each time."""
    own = perms.membership
    made = repr(
        (
            perms.network.pk,
            request.user.pk,
            own.pk if own is not None else None,
            perms.is_site_staff,
            perms.can_administer,
            request.get_full_path(),
            timezone.localdate().isoformat(),
            timezone.get_current_timezone_name(),
            translation.get_language(),
            fragments.code_digest(),
            *map(fragments.source_digest, LIST_TEMPLATES),
        )
    )
    key = f"office:members:list:{hashlib.sha256(made.encode()).hexdigest()}"
    return pagecache.kept(key, [network_scope(perms.network.slug), MAIL_STOPS_SCOPE], build)
