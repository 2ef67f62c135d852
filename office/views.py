"""The network office's own pages: its waiting work, its members and its history.

Each view starts from office.access (403 to people outside the office, 404 for a
network that does not exist; a membership is fetched through the network) and changes
state only through networks.services, which audit each change.
"""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core import fragments
from core.csv_export import stream_csv
from core.models import AuditEvent
from core.redirects import safe_next
from networks import services
from networks.access import NetworkAccess
from networks.forms import DeclineForm
from networks.models import NO_NAME, Membership

from . import access
from . import members as member_lists
from .forms import RemoveForm, RoleForm
from .waiting import waiting_work

HISTORY_PAGE_SIZE = 50


@require_GET
@login_required
def home(request: HttpRequest, slug: str) -> HttpResponse:
    """Waiting work first, each kind with its count and where to handle it."""
    perms = access.get_office(request.user, slug)
    return render(
        request,
        "office/home.html",
        {"network": perms.network, "perms": perms, "work": waiting_work(perms)},
    )


def _filters(request: HttpRequest, perms: NetworkAccess):
    scheme = member_lists.fee_scheme_of(perms.network)
    form = member_lists.MemberFilterForm(request.GET or None, network=perms.network, scheme=scheme)
    return form, member_lists.member_list(perms, form, scheme)


@require_GET
@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """The network's members, searched and filtered, each with what may be done: one form
    for the page, whose buttons name the membership and the action (member_action). The
    list as this viewer sees it at this address is kept (office.members.kept_list): on a
    visit with nothing written since, no membership is read."""
    perms = access.get_office_to_administer(request.user, slug)
    back = request.get_full_path()
    listed = member_lists.kept_list(perms, request, lambda: _member_list(request, perms, back))
    return render(
        request,
        "office/members.html",
        {
            "network": perms.network,
            "perms": perms,
            "list": listed,
            "back": back,
            "export_query": request.GET.urlencode(),
        },
    )


def _member_list(request: HttpRequest, perms: NetworkAccess, back: str) -> dict:
    """The parts of the member list page made from the data (and only those): HTML and
    plain values, to be kept."""
    slug = perms.network.slug
    form, found = _filters(request, perms)
    page = found.page(request.GET.get("page"))
    # As the urlencode filter wrote it for each row.
    actions = member_lists.RowActions.for_list(
        slug, "?next=" + quote(back, safe="/"), request.user.pk
    )
    rows = [member_lists.row_of(perms, membership, actions) for membership in page]
    # Made of what the form shows: what was asked, and its fields as made for the network
    # (the schools listed, this fee year); crispy drew it in a tenth of the page's time.
    filters_html = fragments.render(
        "office/_member_filters.html",
        {"form": form, "network": perms.network},
        made_of=(slug, sorted(request.GET.lists()), member_lists.filter_fields_shown(form)),
    )
    has_fee = found.scheme is not None
    fee_label = form.fields["fee"].label if has_fee else ""
    # Made of the rows as shown (so any change to one is another fragment): rendering
    # fifty rows was a third of the page.
    rows_html = fragments.render(
        "office/_member_rows.html",
        {"rows": rows, "has_fee": has_fee, "fee_label": fee_label},
        made_of=(has_fee, fee_label, [row.shown() for row in rows]),
    )
    return {
        "filters_html": filters_html,
        "filtering": form.filtering,
        "count": page.paginator.count,
        "has_other_pages": page.has_other_pages(),
        "start_index": page.start_index(),
        "end_index": page.end_index(),
        "has_rows": bool(rows),
        "has_fee": has_fee,
        "fee_label": fee_label,
        "rows_html": rows_html,
        # Its links keep the address's other parameters (core's page_links reads them).
        "pagination_html": render_to_string("includes/_pagination.html", {"page": page}, request),
    }


NOT_SHARED = "Not shared"


@require_GET
@login_required
def members_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The member list as filtered, as CSV: streamed, through the one CSV writer, addresses
    only where each person shares them."""
    perms = access.get_office_to_administer(request.user, slug)
    _form, found = _filters(request, perms)
    rows = (
        member_lists.row_of(perms, membership)
        for membership in found.memberships.iterator(chunk_size=500)
    )
    columns = [
        ("First name", lambda row: _person_part(row, "first_name")),
        ("Last name", lambda row: _person_part(row, "last_name")),
        ("Email", lambda row: row.email or _no_email(row)),
        ("School", lambda row: row.school_name),
        ("URN", lambda row: row.membership.school.urn if row.membership.school else ""),
        ("Role", lambda row: row.membership.get_role_display()),
        ("Status", lambda row: row.membership.get_status_display()),
        ("Requested", lambda row: _date(row.membership.requested_at)),
        ("Started", lambda row: _date(row.membership.started_at)),
        ("Ended", lambda row: _date(row.membership.ended_at)),
    ]
    if found.scheme is not None:
        year = found.scheme.year_label(found.scheme.current_year())
        columns.append((f"Fee {year}", lambda row: row.fee))
    return stream_csv(
        f"{perms.network.slug}-members.csv",
        [header for header, _column in columns],
        rows,
        [column for _header, column in columns],
    )


def _person_part(row: member_lists.MemberRow, part: str) -> str:
    person = row.membership.person
    if person is None:
        return "Former member" if part == "last_name" else ""
    return getattr(person, part)


def _no_email(row: member_lists.MemberRow) -> str:
    return "" if row.membership.person is None else NOT_SHARED


def _date(value) -> str:
    return value.date().isoformat() if value else ""


def _back(request: HttpRequest, slug: str) -> str:
    """The member list the action was taken from (its filters and page), or its start."""
    target = request.POST.get("next") or request.GET.get("next")
    return safe_next(request, target, reverse("office:members", args=[slug]))


def _name(membership: Membership) -> str:
    return membership.holder.get_full_name() or NO_NAME


# The member list's buttons: each names what it does and, as its value, the membership.
APPROVE, CHANGE_ROLE = "approve", "change_role"


def role_field_name(pk: int) -> str:
    """The name of the role chosen for one membership, in the list's one form."""
    return f"role-{pk}"


@require_POST
@login_required
def member_action(request: HttpRequest, slug: str) -> HttpResponse:
    """An action from the member list's form: approve a request, or change a role. The
    membership is checked as on its own page (this network's, not the viewer's own)."""
    perms = access.get_office_to_administer(request.user, slug)
    if APPROVE in request.POST:
        membership = access.get_membership_to_manage(perms, _pk(request.POST[APPROVE]))
        return _approve(request, slug, membership)
    if CHANGE_ROLE in request.POST:
        membership = access.get_membership_to_manage(perms, _pk(request.POST[CHANGE_ROLE]))
        chosen = request.POST.get(role_field_name(membership.pk), "")
        return _change_role(request, slug, membership, chosen)
    messages.error(request, "Choose what to do.")
    return redirect(_back(request, slug))


def _pk(value: str) -> int:
    # ASCII digits only: "²" is a digit to str.isdigit() and not a number to int().
    if not (value.isascii() and value.isdecimal()):
        raise Http404("No such member.")
    return int(value)


def _change_role(
    request: HttpRequest, slug: str, membership: Membership, chosen: str
) -> HttpResponse:
    form = RoleForm({"role": chosen})
    if not form.is_valid():
        messages.error(request, "Choose a role.")
        return redirect(_back(request, slug))
    role = form.cleaned_data["role"]
    said = Membership.Role(role).label.lower()
    if role == membership.role:
        messages.info(request, f"{_name(membership)} is already a {said}: nothing changed.")
        return redirect(_back(request, slug))
    try:
        services.set_role(membership=membership, role=role, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{_name(membership)} is now a {said}. They have been emailed.")
    return redirect(_back(request, slug))


def _approve(request: HttpRequest, slug: str, membership: Membership) -> HttpResponse:
    try:
        services.approve_membership(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Approved: {_name(membership)} is now a member. They have been emailed."
        )
    return redirect(_back(request, slug))


@login_required
def member_decline(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Decline a request to join: a page that says what will happen, then the POST."""
    perms = access.get_office_to_administer(request.user, slug)
    membership = access.get_membership_to_manage(perms, pk)
    if not membership.is_pending:
        messages.info(request, "This request has already been decided.")
        return redirect("office:members", slug)
    form = DeclineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_membership(
                membership=membership, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Declined: {_name(membership)} has been emailed.")
        return redirect(_back(request, slug))
    return render(
        request,
        "office/member_decline.html",
        {"network": perms.network, "perms": perms, "membership": membership, "form": form,
         "back": _back(request, slug)},
    )  # fmt: skip


@login_required
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Remove an active member: a page that says what removing means, then the POST."""
    perms = access.get_office_to_administer(request.user, slug)
    membership = access.get_membership_to_manage(perms, pk)
    if not membership.is_active:
        messages.info(request, "Only an active member can be removed.")
        return redirect("office:members", slug)
    form = RemoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.remove_member(
                membership=membership, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{_name(membership)} has been removed and told by email.")
        return redirect(_back(request, slug))
    return render(
        request,
        "office/member_remove.html",
        {"network": perms.network, "perms": perms, "membership": membership, "form": form,
         "back": _back(request, slug)},
    )  # fmt: skip


@require_GET
@login_required
def history(request: HttpRequest, slug: str) -> HttpResponse:
    """Who changed what in the network, newest first."""
    perms = access.get_office_to_administer(request.user, slug)
    events = AuditEvent.objects.for_network(perms.network.pk)
    page = Paginator(events, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "office/history.html", {"network": perms.network, "perms": perms, "page": page}
    )
