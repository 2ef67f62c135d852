"""Bringing in a member spreadsheet: upload (or paste), say what the columns hold, check
every row, confirm; and withdraw a batch's unanswered invitations. For the network's
administrators and site staff (docs/rules.md, "Bringing in a member spreadsheet")."""

import contextlib
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_POST

from members.models import Post
from members.suppression import suppressed_addresses
from networks import access, imports, services
from networks.access import NetworkAccess
from networks.models import ImportBatch, Invitation

from . import spreadsheets
from .import_forms import ColumnsForm, UploadForm

HOW_FOUND = {
    "urn": "found by its URN",
    "name": "found by its name",
    "unsure": "",
    "unknown": "",
    "none": "",
}


def _perms(request: HttpRequest, slug: str) -> NetworkAccess:
    """The administrator's access to the network (403 to anyone else)."""
    return access.get_network_to_administer(request.user, slug)


def _batch(request: HttpRequest, slug: str, pk: int) -> tuple[NetworkAccess, ImportBatch]:
    """The network's batch (another network's is a 404), for its administrators."""
    perms = _perms(request, slug)
    batch = get_object_or_404(perms.network.import_batches.select_related("network"), pk=pk)
    return perms, batch


@login_required
def import_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a spreadsheet, or paste its rows; nothing is invited yet."""
    perms = _perms(request, slug)
    network = perms.network
    form = UploadForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        table = form.table
        batch = services.start_import(
            network=network,
            by=request.user,
            headers=table.headers,
            cells=table.rows,
            lines=table.lines,
            columns=spreadsheets.guess_columns(table.headers),
            source_name=form.source_name,
            description=table.description,
        )
        return redirect("office:import_columns", network.slug, batch.pk)
    return render(
        request, "office/import/new.html", {"network": network, "perms": perms, "form": form}
    )


@login_required
def import_columns(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """What each column holds, as guessed from its heading, for the administrator to put
    right; then every row is checked."""
    perms, batch = _batch(request, slug, pk)
    if not batch.is_draft:
        return redirect("office:import_preview", slug, batch.pk)
    form = ColumnsForm(
        request.POST or None, headers=batch.headers, rows=batch.cells, guessed=batch.columns
    )
    if form.is_valid():
        try:
            services.set_columns(batch=batch, by=request.user, columns=form.columns)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("office:import_preview", slug, batch.pk)
    return render(
        request,
        "office/import/columns.html",
        {
            "network": batch.network,
            "perms": perms,
            "batch": batch,
            "form": form,
            "rows": len(batch.cells),
        },
    )


@dataclass
class RowView:
    """One row as the preview shows it: what it says, what it will become, what is wrong."""

    line: int
    name: str
    email: str
    school: str
    found: str
    role: str
    given: str
    candidates: list[dict[str, Any]]
    chosen: int | None
    notes: list[str]
    problems: list[str]
    may_confirm: bool
    has_account: bool
    error: str = ""
    state: str = ""
    choice_errors: list[str] = field(default_factory=list)


def _row_view(row: dict[str, Any], *, check: bool) -> RowView:
    given = ", ".join(
        spreadsheets.shown(part)
        for part in (row["school_given"], row["urn"], row["town"], row["postcode"])
        if part
    )
    return RowView(
        line=row["line"],
        name=spreadsheets.shown(row["name"], 80),
        email=spreadsheets.shown(row["email"], 120),
        school=imports.school_label_of(row),
        found=HOW_FOUND.get(row["how"], ""),
        role=Post.Role(row["role"]).label if row["role"] else "",
        given=given,
        candidates=row["candidates"],
        chosen=row.get("chosen"),
        notes=row["notes"],
        problems=row["problems"] + row["standing"],
        may_confirm=row["may_confirm"],
        has_account=row["person"] is not None,
        error="Choose the school, or say it is none of these." if check else "",
    )


@login_required
def import_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Every row, checked: the schools to choose, the rows ready to invite, the rows that
    will not be; then the invitations made from them, once confirmed."""
    perms, batch = _batch(request, slug, pk)
    if request.method == "POST":
        return _save_choices(request, batch)
    if batch.is_draft and not batch.rows:
        return redirect("office:import_columns", slug, batch.pk)
    if not batch.is_draft:
        return _report(request, perms, batch)
    check = request.GET.get("check") == "1"
    choose, ready, refused = [], [], []
    for row in batch.rows:
        if imports.is_refused(row):
            refused.append(_row_view(row, check=False))
        elif row["how"] == "unsure":
            choose.append(_row_view(row, check=check and imports.needs_choice(row)))
        else:
            ready.append(_row_view(row, check=False))
    invitable = imports.invitable(batch.rows)
    return render(
        request,
        "office/import/preview.html",
        {
            "network": batch.network,
            "perms": perms,
            "batch": batch,
            "choose": choose,
            "ready": ready,
            "refused": refused,
            "invitable": len(invitable),
            "confirmable": sum(1 for row in invitable if row["may_confirm"]),
            "waiting_choice": sum(1 for row in batch.rows if imports.needs_choice(row)),
        },
    )


def _choices(data: QueryDict) -> dict[int, int]:
    """{row number: school id (0: none of these)} from the form's school-<row> radios; a
    tampered value that is no number is ignored."""
    choices = {}
    for key, value in data.items():
        line = key.removeprefix("school-")
        if key.startswith("school-") and line.isdecimal() and value.isdecimal():
            choices[int(line)] = int(value)
    return choices


def _save_choices(request: HttpRequest, batch: ImportBatch) -> HttpResponse:
    try:
        services.choose_schools(batch=batch, by=request.user, choices=_choices(request.POST))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your choices are saved. Nothing is sent until you confirm.")
    return redirect("office:import_preview", batch.network.slug, batch.pk)


@require_POST
@login_required
def import_confirm(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Make the invitations: the choices on the page, then every row that may be invited."""
    _, batch = _batch(request, slug, pk)
    choices = _choices(request.POST)
    try:
        batch = services.confirm_import(
            batch=batch,
            by=request.user,
            choices=choices,
            confirm_posts=request.POST.get("confirm_posts") == "yes",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if batch.is_draft and choices:
            # Keep what was chosen, so the page shows only what is left (a choice that
            # was not offered is in the message already).
            with contextlib.suppress(ValidationError):
                services.choose_schools(batch=batch, by=request.user, choices=choices)
        target = redirect("office:import_preview", slug, batch.pk)
        target["Location"] += "?check=1"
        return target
    made = batch.invitations.count()
    messages.success(
        request,
        f"{made:,} invitation{pluralize(made)} made. They are sent a few at a time "
        "(the first ones now), and each is reminded once after a week.",
    )
    return redirect("office:invitations", slug)


@require_POST
@login_required
def import_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Withdraw every invitation of the batch not yet accepted."""
    _, batch = _batch(request, slug, pk)
    try:
        withdrawn = services.withdraw_import(batch=batch, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{withdrawn:,} unanswered invitation{pluralize(withdrawn)} withdrawn. "
            "Those already accepted stay: they are members now.",
        )
    return redirect("office:invitations", slug)


def _report(request: HttpRequest, perms: NetworkAccess, batch: ImportBatch) -> HttpResponse:
    """A confirmed (or withdrawn) batch: its counts, and each row with what became of it."""
    report = ImportBatch.objects.with_report().get(pk=batch.pk)
    invitations = {
        invitation.email: invitation
        for invitation in batch.invitations.only("email", "accepted_at", "sent_at", "reminded_at")
    }
    stopped = suppressed_addresses(invitations)
    rows = []
    for row in batch.rows:
        view = _row_view(row, check=False)
        invitation = invitations.get(row["email"]) if row.get("invitation") else None
        view.state = _state_of(row, invitation, row["email"] in stopped)
        rows.append(view)
    return render(
        request,
        "office/import/report.html",
        {
            "network": batch.network,
            "perms": perms,
            "batch": report,
            "rows": rows,
            "retention_days": settings.IMPORT_BATCH_RETENTION_DAYS,
        },
    )


def _state_of(row: dict[str, Any], invitation: Invitation | None, stopped: bool) -> str:
    if invitation is None:
        return "Withdrawn" if row.get("invitation") else "Not invited"
    if invitation.accepted_at:
        return "Accepted"
    if stopped:
        return "Bounced: mail to this address no longer arrives"
    if invitation.sent_at is None:
        return "Queued: sent within the hour's allowance"
    sent = f"Waiting: sent {timezone.localtime(invitation.sent_at):%-d %B}"
    if invitation.reminded_at:
        return f"{sent}, reminded {timezone.localtime(invitation.reminded_at):%-d %B}"
    return sent
