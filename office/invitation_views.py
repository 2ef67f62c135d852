"""The network's invitations and imports: each spreadsheet brought in, with what became of
its invitations, and every invitation still waiting for an answer, to withdraw."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from networks import access, services

INVITATIONS_PAGE_SIZE = 50
BATCHES_SHOWN = 20


@login_required
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    """Spreadsheets brought in (newest first, with their counts) and the invitations waiting
    for an answer, a page at a time."""
    perms = access.get_network_to_administer(request.user, slug)
    network = perms.network
    batches = network.import_batches.with_report().select_related("uploaded_by")
    waiting = (
        network.invitations.unanswered()
        .with_bounce()
        .select_related("school", "invited_by", "batch")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(waiting, INVITATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "office/import/invitations.html",
        {"network": network, "perms": perms, "batches": batches[:BATCHES_SHOWN], "page": page},
    )


@require_POST
@login_required
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Withdraw one invitation not yet accepted."""
    network = access.get_network_to_administer(request.user, slug).network
    invitation = get_object_or_404(network.invitations.select_related("network"), pk=pk)
    try:
        services.revoke_invitation(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
    return redirect("office:invitations", slug)
