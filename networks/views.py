from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from core import keyset
from core.dates import academic_year_of
from core.models import AuditEvent
from core.pagecache import cached_for_visitors
from core.ratelimit import is_limited
from core.sharedparts import shared_part
from members.models import Post, User

from . import access, contact, eligibility, sections, services
from .annual_fee import annual_fee
from .forms import AcceptInvitationForm, ContactForm, DeclineForm, DirectoryFilterForm, InviteForm
from .models import NETWORK_SCOPE, NETWORKS_SCOPE, Network, network_scope
from .page import network_page
from .services.invitations import Acceptance, offered_post_held, open_invitation

DIRECTORY_PAGE_SIZE = 20
MEMBERS_PAGE_SIZE = 50
MEMBERS_ORDER = ["person__last_name", "person__first_name", "person_id"]
# What the member list shows, and no more (no password hashes, no school addresses).
MEMBER_LIST_FIELDS = [
    "role", "school_id", "school__name", "person_id", "person__title", "person__first_name",
    "person__last_name", "person__email", "person__show_email_to_members",
]  # fmt: skip
INVITE_LIMIT_PER_NETWORK = 30  # an hour
INVITE_LIMIT_PER_ADDRESS = 3  # a day
INVITATIONS_SHOWN = 20


@cached_for_visitors(NETWORKS_SCOPE)
def directory(request: HttpRequest) -> HttpResponse:
    """All networks, searched and filtered by the query string (shareable, no JavaScript)."""
    # The same for everyone at this address: signed-in people share it too.
    part = shared_part(
        request, "networks:directory", lambda: _directory_part(request), NETWORKS_SCOPE
    )
    return render(request, "networks/directory.html", part)


def _directory_part(request: HttpRequest) -> dict:
    """The directory's page number and its rendered body (form, results, pages)."""
    form = DirectoryFilterForm(request.GET or None)
    networks = Network.objects.for_directory()
    if form.is_bound and form.is_valid():
        networks = form.filter(networks)
    page = Paginator(networks, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    body = render_to_string(
        "networks/_directory_body.html",
        {"form": form, "page": page, "filtered": form.is_bound},
        request,
    )
    return {"page_number": page.number, "body": body}


@cached_for_visitors(NETWORK_SCOPE)
def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request.user
    page, own = network_page(slug, viewer)
    if page is None:
        raise Http404("No such network.")
    network = page.network
    perms = access.with_membership(viewer, network, own)
    return render(
        request,
        "networks/network_detail.html",
        {
            "network": network,
            "page": page,
            "perms": perms,
            "option": eligibility.join_option_for(network, viewer, own),
            "sections": sections.sections_for(request, perms),
        },
    )


@require_POST
@login_required
def network_join(request: HttpRequest, slug: str) -> HttpResponse:
    network = access.get_network(slug)
    was_member = access.membership_of(request.user, network)
    try:
        membership = services.join_network(person=request.user, network=network)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(network)
    if was_member:
        messages.info(request, f"You are already in {network.name}.")
    elif membership.is_pending:
        messages.success(
            request,
            f"Your request to join {network.name} has been sent to its administrators. "
            "We will email you when they decide.",
        )
    else:
        messages.success(request, f"You are now a member of {network.name}.")
    return redirect(network)


@require_POST
@login_required
def network_leave(request: HttpRequest, slug: str) -> HttpResponse:
    network = access.get_network(slug)
    seat = access.membership_of(request.user, network)
    if seat and seat.is_active and seat.school_id and request.POST.get("confirm") != "yes":
        # A school's seat: say what leaving means for the school before it happens.
        return render(
            request,
            "networks/network_leave_confirm.html",
            {"network": network, "seat": seat, "annual_fee": annual_fee(network, seat.school)},
        )
    try:
        membership = services.leave_network(person=request.user, network=network)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(network)
    if membership.decided_at is None and membership.started_at is None:
        messages.success(request, f"Your request to join {network.name} has been withdrawn.")
    else:
        messages.success(request, f"You have left {network.name}. You can rejoin at any time.")
    return redirect(network)


@login_required
def network_members(request: HttpRequest, slug: str) -> HttpResponse:
    """The member list, for members only; email addresses as each person allows."""
    perms = access.get_network_for_member_list(request.user, slug)
    network = perms.network
    # The same for every member at this address, but for whose addresses it shows
    # (all of them to site staff): kept once for each, while the network is unchanged.
    shown = "every address" if perms.is_site_staff else "shared addresses"
    part = shared_part(
        request,
        f"networks:members:{shown}",
        lambda: _member_list_part(request, perms),
        network_scope(network.slug),
    )
    return render(request, "networks/network_members.html", {"network": network, **part})


def _member_list_part(request: HttpRequest, perms: access.NetworkAccess) -> dict:
    """The member list's total and its rendered table and page links."""
    network = perms.network
    members = (
        network.memberships.active()
        # Always true, as an active membership has a person; it makes the join to the
        # user an inner one, which lets PostgreSQL walk the name index from either end.
        .filter(person__last_name__isnull=False)
        .select_related("person", "school")
        .only(*MEMBER_LIST_FIELDS)
        .prefetch_related(Prefetch("person__posts", queryset=Post.objects.select_related("school")))
    )
    # By name; the person's id breaks ties (one live membership each). An index on
    # the user table serves this order, so the last page costs what the first does.
    page = keyset.paginate(members, MEMBERS_ORDER, request.GET, MEMBERS_PAGE_SIZE)
    rows = [(membership, perms.may_see_email_of(membership.person)) for membership in page]
    total = network.memberships.active().count()
    body = render_to_string(
        "networks/_member_list_body.html",
        {"page": page, "rows": rows, "position": _member_list_position(page, total)},
        request,
    )
    return {"total": total, "body": body}


def _member_list_position(page: keyset.KeysetPage, total: int) -> str:
    """Where the page is in the list, in words (a keyset page knows its neighbours, not
    its number, so a page in the middle is placed by the names it starts and ends with)."""
    shown = len(page)
    if not page.has_other_pages:
        return f"Showing all {shown:,} member{pluralize(shown)}."
    if page.is_first:
        return f"Showing members 1 to {shown:,} of {total:,}."
    if page.is_last:
        return f"Showing members {max(total - shown + 1, 1):,} to {total:,} of {total:,}."
    first = page.rows[0].person.get_full_name() or "a member"
    last = page.rows[-1].person.get_full_name() or "a member"
    return f"Showing {shown:,} members, from {first} to {last}."


@login_required
def network_requests(request: HttpRequest, slug: str) -> HttpResponse:
    """Pending join requests, for the network's administrators: approve or decline."""
    network = access.get_network_to_administer(request.user, slug).network
    if request.method == "POST":
        return _decide_requests(request, network)
    # The newest few: a member spreadsheet may have made thousands (the office lists all).
    invitations = list(network.invitations.unanswered()[: INVITATIONS_SHOWN + 1])
    pending = (
        network.memberships.pending()
        .select_related("school")
        .prefetch_related(Prefetch("person", queryset=User.objects.with_posts()))
        .order_by("requested_at")
    )
    return render(
        request,
        "networks/network_requests.html",
        {
            "network": network,
            "pending": pending,
            "decline_form": DeclineForm(),
            "invite_form": InviteForm(),
            "invitations": invitations[:INVITATIONS_SHOWN],
            "more_invitations": len(invitations) > INVITATIONS_SHOWN,
        },
    )


HISTORY_PAGE_SIZE = 50


@login_required
def network_history(request: HttpRequest, slug: str) -> HttpResponse:
    """Who changed what in the network, newest first: its administrators and site staff."""
    network = access.get_network_to_administer(request.user, slug).network
    events = AuditEvent.objects.for_network(network.pk)
    page = Paginator(events, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "networks/network_history.html", {"network": network, "page": page})


def _decide_requests(request: HttpRequest, network: Network) -> HttpResponse:
    decision = request.POST.get("decision")
    # A tampered form could send anything; only whole numbers can be request ids.
    ids = [value for value in request.POST.getlist("membership") if value.isdecimal()]
    # Only this network's pending requests can be decided here, whatever ids are posted.
    chosen = list(network.memberships.pending().filter(pk__in=ids).select_related("person"))
    form = DeclineForm(request.POST)
    if decision not in {"approve", "decline"} or not chosen or not form.is_valid():
        messages.error(request, "Choose at least one request, then approve or decline.")
        return redirect("networks:requests", network.slug)
    done = []
    for membership in chosen:
        try:
            if decision == "approve":
                services.approve_membership(membership=membership, by=request.user)
            else:
                services.decline_membership(
                    membership=membership, by=request.user, reason=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            done.append(membership)
    if done:
        verb = "Approved" if decision == "approve" else "Declined"
        names = ", ".join(str(membership.person) for membership in done)
        messages.success(request, f"{verb}: {names}. They have been emailed.")
    return redirect("networks:requests", network.slug)


@login_required
def network_claims(request: HttpRequest, slug: str) -> HttpResponse:
    """Claimed posts and seat questions at the network's member schools, for its
    administrators to decide; headships verified automatically lately, to check."""
    network = access.get_network_to_administer(request.user, slug).network
    return render(
        request,
        "networks/network_claims.html",
        {
            "network": network,
            "claims": access.claims_for_network(network),
            "automatic": access.automatic_headships_for_network(network),
            "automatic_days": access.RECENT_AUTOMATIC_DAYS,
        },
    )


@require_POST
@login_required
def network_invite(request: HttpRequest, slug: str) -> HttpResponse:
    network = access.get_network_to_administer(request.user, slug).network
    form = InviteForm(request.POST)
    if form.is_valid() and (refusal := _invite_refusal(network, form.cleaned_data["email"])):
        messages.error(request, refusal)
    elif form.is_valid():
        try:
            services.invite(network=network, email=form.cleaned_data["email"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"An invitation has been sent to {form.cleaned_data['email']}."
            )
    else:
        messages.error(request, "Enter a valid email address to invite.")
    return redirect("networks:requests", network.slug)


@login_required
def network_accept(request: HttpRequest, slug: str) -> HttpResponse:
    """Accept an invitation in one screen: the post it offers, filled in from it, is
    recorded and the person joins (docs/rules.md, "Bringing in a member spreadsheet")."""
    network = access.get_network(slug)
    invitation = open_invitation(network, request.user)
    if invitation is None:
        raise Http404("There is no invitation to this network for your address.")
    held = offered_post_held(invitation, request.user) if invitation.school_id else None
    form = None
    if invitation.school_id and held is None:
        form = AcceptInvitationForm(request.POST or None, initial={"role": invitation.role})
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            acceptance = services.accept_invitation(
                person=request.user, network=network, **(form.cleaned_data if form else {})
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            for level, text in _acceptance_messages(network, acceptance):
                messages.add_message(request, level, text)
            return redirect(network)
    return render(
        request,
        "networks/network_accept.html",
        {"network": network, "invitation": invitation, "held": held, "form": form},
    )


def _acceptance_messages(network: Network, acceptance: Acceptance) -> list[tuple[int, str]]:
    said = []
    post = acceptance.post
    if post is not None:
        where = f"{post.get_role_display().lower()} at {post.school.name}"
        if post.is_verified:
            said.append((messages.INFO, f"Your post as {where} is confirmed."))
        else:
            said.append(
                (
                    messages.INFO,
                    f"Your post as {where} is recorded. Until the school's head or an "
                    "administrator of one of its networks confirms it, it is a claim.",
                )
            )
    if acceptance.membership is None:
        said.insert(
            0,
            (
                messages.WARNING,
                f"{network.label} cannot take you in yet: {acceptance.reason} "
                "Your invitation stays open.",
            ),
        )
    else:
        said.insert(0, (messages.SUCCESS, f"You are now a member of {network.name}."))
    return said


def network_contact(request: HttpRequest, slug: str) -> HttpResponse:
    """Write to the coordinators; their addresses are never shown."""
    network = access.get_network(slug)
    route = contact.contact_route(network)
    if not route.reaches_someone:
        # Nobody would read it: say so, and never take a message only to drop it.
        return render(
            request, "networks/network_contact.html", {"network": network, "route": route}
        )
    form = ContactForm(request.POST or None, user=request.user)
    context = {"network": network, "form": form, "route": route}
    if form.is_valid():
        sender_name, sender_email = form.sender(request.user)
        if contact.sender_is_limited(request, sender_email):
            messages.error(
                request,
                "You have sent several messages in the last hour. Please wait a while before "
                f"sending another; your earlier messages have gone to {route.readers}.",
            )
            return render(request, "networks/network_contact.html", context, status=429)
        if not form.is_spam:
            services.send_contact_message(
                network=network,
                subject=form.cleaned_data["subject"],
                message=form.cleaned_data["message"],
                sender_name=sender_name,
                sender_email=sender_email,
                sender=request.user,
            )
        # A bot sees the same thanks as a person, so it learns nothing.
        messages.success(
            request, f"Your message has been sent to {route.readers}. They will reply by email."
        )
        return redirect(network)
    return render(request, "networks/network_contact.html", context)


def _invite_refusal(network: Network, email: str) -> str:
    """Why an invitation may not go now (per network and per address), or ""."""
    if is_limited(
        "invite-address",
        email.strip().lower(),
        limit=INVITE_LIMIT_PER_ADDRESS,
        period_seconds=60 * 60 * 24,
    ):
        return f"{email} has been invited several times today. Please try again tomorrow."
    if is_limited(
        "invite-network", str(network.pk), limit=INVITE_LIMIT_PER_NETWORK, period_seconds=60 * 60
    ):
        return (
            f"{network.name} has sent many invitations in the last hour. "
            "Please wait a while before sending more."
        )
    return ""


@cached_for_visitors(NETWORK_SCOPE)
def workhub_list(request: HttpRequest, slug: str) -> HttpResponse:
    """A network's workhubs by academic year, this year first; earlier years are records."""
    network = access.get_network(slug)
    this_year = academic_year_of()
    years = {}
    for workhub in network.workhubs.order_by("-academic_year", "name"):
        years.setdefault(workhub.academic_year, []).append(workhub)
    return render(
        request,
        "networks/workhub_list.html",
        {
            "network": network,
            "current": [(year, hubs) for year, hubs in years.items() if year >= this_year],
            "earlier": [(year, hubs) for year, hubs in years.items() if year < this_year],
        },
    )


@cached_for_visitors(NETWORK_SCOPE)
def workhub_detail(request: HttpRequest, slug: str, workhub_slug: str) -> HttpResponse:
    workhub = access.get_workhub(slug, workhub_slug)
    network = workhub.network
    perms = access.for_network(request.user, network)
    people = workhub.memberships.prefetch_related(
        Prefetch("person", queryset=User.objects.with_posts())
    )
    leads = [place for place in people if place.is_lead]
    in_workhub = request.user.is_authenticated and any(
        place.person_id == request.user.pk for place in people
    )
    return render(
        request,
        "networks/workhub_detail.html",
        {
            "network": network,
            "workhub": workhub,
            "leads": leads,
            "members": [place for place in people if not place.is_lead]
            if perms.is_member
            else None,
            "can_join": perms.membership is not None
            and perms.is_member
            and not in_workhub
            and not workhub.is_past,
            "in_workhub": in_workhub,
            "sections": sections.workhub_sections_for(
                request, perms, workhub, {place.person_id for place in leads}
            ),
        },
    )


@require_POST
@login_required
def workhub_join(request: HttpRequest, slug: str, workhub_slug: str) -> HttpResponse:
    workhub = access.get_workhub(slug, workhub_slug)
    try:
        services.join_workhub(person=request.user, workhub=workhub)
    except ValidationError as error:
        raise PermissionDenied(" ".join(error.messages)) from error
    messages.success(request, f"You have joined the {workhub.name} workhub.")
    return redirect(workhub)


@require_POST
@login_required
def workhub_leave(request: HttpRequest, slug: str, workhub_slug: str) -> HttpResponse:
    workhub = access.get_workhub(slug, workhub_slug)
    try:
        services.leave_workhub(person=request.user, workhub=workhub)
    except ValidationError as error:
        raise PermissionDenied(" ".join(error.messages)) from error
    messages.success(request, f"You have left the {workhub.name} workhub.")
    return redirect(workhub)
