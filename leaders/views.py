import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from core.sharedparts import shared_part
from members.models import Designation
from networks.contact import sender_is_limited
from networks.forms import ContactForm

from . import access, services
from .forms import DecisionForm, DesignationForm, DirectoryFilterForm, ListingForm
from .models import DIRECTORY_SCOPE, Listing

PAGE_SIZE = 20
# Around each row's link to write to the leader in the directory's body. What people
# wrote is escaped there, so nothing they write can make or break a mark.
WRITE_TO_MARK = re.compile(r"<!--write-to:(\d+)-->(.*?)<!--/write-to-->", re.DOTALL)


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    """Listed people with a confirmed designation, filtered; for heads only."""
    access.check_directory(request.user)
    # The same for every head at this address on the day (the post shown beside a
    # name is the one held that day) but for the link to write to oneself: kept once
    # for all, in pieces, and the viewer's own row's link left out here.
    pieces = shared_part(
        request,
        f"leaders:directory:{timezone.localdate().isoformat()}",
        lambda: _directory_pieces(request),
        DIRECTORY_SCOPE,
    )
    body = "".join(html for person_id, html in pieces if person_id != request.user.pk)
    # Rendered by our own template (autoescaped), only cut into pieces and joined again.
    return render(request, "leaders/directory.html", {"body": mark_safe(body)})  # noqa: S308


def _directory_pieces(request: HttpRequest) -> list[tuple[int | None, str]]:
    """The directory's rendered body (filters, count, rows, pages) in pieces: each row's
    link to write to its leader with the leader's id, the rest with None."""
    form = DirectoryFilterForm(request.GET or None)
    listings = Listing.objects.in_directory()
    if form.is_bound and form.is_valid():
        listings = listings.filter(access.directory_filter(**form.cleaned_data)).distinct()
    page = Paginator(listings.for_directory(), PAGE_SIZE).get_page(request.GET.get("page"))
    body = render_to_string("leaders/_directory_body.html", {"form": form, "page": page}, request)
    # Text, a leader's id, their link, text, ...: the marks themselves go.
    parts = WRITE_TO_MARK.split(body)
    pieces: list[tuple[int | None, str]] = [(None, parts[0])]
    for index in range(1, len(parts), 3):
        pieces += [(int(parts[index]), parts[index + 1]), (None, parts[index + 2])]
    return pieces


@login_required
def leader_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Write to a listed leader: stored and emailed to them, their address never shown."""
    listing = access.get_listing_to_write_to(request.user, pk)
    # Signed in, so the form asks only for the subject and the message.
    form = ContactForm(request.POST or None, user=request.user)
    context = {"listing": listing, "leader": listing.person, "form": form}
    if form.is_valid():
        if sender_is_limited(request, request.user.email):
            messages.error(
                request,
                "You have sent several messages in the last hour. Please wait a while before "
                "sending another.",
            )
            return render(request, "leaders/leader_contact.html", context, status=429)
        if not form.is_spam:
            try:
                services.send_leader_message(
                    listing=listing,
                    sender=request.user,
                    subject=form.cleaned_data["subject"],
                    message=form.cleaned_data["message"],
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("leaders:directory")
        messages.success(
            request,
            f"Your message has been sent to {listing.person.get_full_name()}. They will reply "
            f"by email to {request.user.email}.",
        )
        return redirect("leaders:directory")
    return render(request, "leaders/leader_contact.html", context)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The person's designations and their listing."""
    listing = Listing.objects.filter(person=request.user).first()
    return render(
        request,
        "leaders/mine.html",
        {
            "designations": Designation.objects.filter(person=request.user),
            "designation_form": DesignationForm(),
            "listing": listing,
            "listing_form": ListingForm(instance=listing),
        },
    )


@require_POST
@login_required
def designation_add(request: HttpRequest) -> HttpResponse:
    form = DesignationForm(request.POST)
    if form.is_valid():
        try:
            designation = services.claim_designation(person=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"{designation} is added. It shows in the directory once an administrator of "
                "a network in your area confirms it.",
            )
    else:
        messages.error(request, "Choose a designation and say where it can be checked.")
    return redirect("leaders:mine")


@require_POST
@login_required
def listing_save(request: HttpRequest) -> HttpResponse:
    form = ListingForm(request.POST)
    if form.is_valid():
        services.list_person(person=request.user, **form.cleaned_data)
        messages.success(request, "You are listed in the leaders directory.")
    return redirect("leaders:mine")


@require_POST
@login_required
def listing_withdraw(request: HttpRequest) -> HttpResponse:
    services.withdraw_listing(person=request.user)
    messages.success(request, "You are no longer listed in the leaders directory.")
    return redirect("leaders:mine")


@login_required
def confirmations(request: HttpRequest) -> HttpResponse:
    """Designations waiting for the user's decision."""
    claims = access.designations_to_decide(request.user).prefetch_related("person__posts__school")
    return render(request, "leaders/confirmations.html", {"claims": claims})


@login_required
def confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    designation = access.get_designation_to_decide(request.user, pk)
    form = DecisionForm(request.POST or None)
    if form.is_valid():
        decide = (
            services.confirm_designation
            if form.cleaned_data["decision"] == "confirm"
            else services.reject_designation
        )
        designation = decide(designation=designation, by=request.user)
        messages.success(
            request, f"{designation.person}: {designation} is {designation.get_state_display()}."
        )
        return redirect("leaders:confirmations")
    return render(
        request,
        "leaders/confirmation.html",
        {
            "designation": designation,
            "posts": designation.person.current_posts(),
            "form": form,
        },
    )
