"""Bringing in a member spreadsheet: kept as a draft while the administrator checks it,
then confirmed into invitations, or withdrawn (docs/rules.md, "Bringing in a member
spreadsheet"). Nothing but the draft is written until the administrator confirms."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import audit, pagecache
from members.models import User, address_scope

from .. import imports
from ..models import ImportBatch, Invitation, Network
from .invitations import send_queued_invitations


@transaction.atomic
def start_import(
    *,
    network: Network,
    by: User,
    headers: list[str],
    cells: list[list[str]],
    lines: list[int],
    columns: Mapping[str, int],
    source_name: str = "",
    description: str = "",
) -> ImportBatch:
    """Keep a spreadsheet's rows as a draft, with a first guess of what its columns hold."""
    if not cells:
        raise ValidationError("The spreadsheet has no rows.")
    if len(cells) > settings.IMPORT_MAX_ROWS:
        raise ValidationError(f"A spreadsheet brings in at most {settings.IMPORT_MAX_ROWS:,} rows.")
    return ImportBatch.objects.create(
        network=network,
        uploaded_by=by,
        headers=headers,
        cells=cells,
        lines=lines,
        columns=dict(columns),
        source_name=source_name[:200],
        description=description[:200],
    )


def _draft(batch: ImportBatch) -> ImportBatch:
    """The batch, locked, if it is still a draft."""
    locked = ImportBatch.objects.select_for_update().select_related("network").get(pk=batch.pk)
    if not locked.is_draft:
        raise ValidationError("These rows have been confirmed already: see their invitations.")
    return locked


@transaction.atomic
def set_columns(*, batch: ImportBatch, by: User, columns: Mapping[str, int]) -> ImportBatch:
    """Read the rows as the administrator says the columns go, and check every row."""
    batch = _draft(batch)
    imports.check_columns(columns, len(batch.headers))
    batch.columns = dict(columns)
    batch.rows = imports.check_rows(
        network=batch.network, by=by, cells=batch.cells, lines=batch.lines, columns=batch.columns
    )
    batch.save(update_fields=["columns", "rows"])
    return batch


@transaction.atomic
def choose_schools(*, batch: ImportBatch, by: User, choices: Mapping[int, int]) -> ImportBatch:
    """Record the administrator's choice of school for the rows it was unsure of (by row
    number: a candidate's id, or imports.NONE_OF_THESE), and check the rows again."""
    batch = _draft(batch)
    errors = imports.choose(batch.rows, choices)
    if errors:
        raise ValidationError(errors)
    batch.rows = imports.recheck(network=batch.network, by=by, rows=batch.rows)
    batch.save(update_fields=["rows"])
    return batch


@transaction.atomic
def confirm_import(
    *,
    batch: ImportBatch,
    by: User,
    choices: Mapping[int, int] | None = None,
    confirm_posts: bool = False,
) -> ImportBatch:
    """Turn the rows into invitations, queued to go within the network's allowance (the
    first at once). Each carries the school and role its row gave; with `confirm_posts`,
    those at schools where `by` may confirm posts carry their word for the post. Refused
    while a row waits for its school to be chosen. Rows that stand differently now (the
    person joined meanwhile) are left out, as the preview would now show."""
    batch = _draft(batch)
    rows = batch.rows
    if choices:
        errors = imports.choose(rows, choices)
        if errors:
            raise ValidationError(errors)
    rows = imports.recheck(network=batch.network, by=by, rows=rows)
    waiting = [row["line"] for row in rows if imports.needs_choice(row)]
    if waiting:
        numbers = ", ".join(str(line) for line in waiting[:10])
        more = f" and {len(waiting) - 10} more" if len(waiting) > 10 else ""
        raise ValidationError(
            f"Choose the school for row{'s' if len(waiting) > 1 else ''} {numbers}{more}, or "
            "say it is none of those offered."
        )
    chosen = imports.invitable(rows)
    if not chosen:
        raise ValidationError("None of the rows can be invited: each says what is wrong.")
    _invite_rows(batch, by, chosen, confirm_posts=confirm_posts)
    batch.rows = rows
    batch.state = ImportBatch.State.CONFIRMED
    batch.confirmed_at = timezone.now()
    batch.confirmed_by = by
    batch.confirm_posts = confirm_posts
    batch.save(update_fields=["rows", "state", "confirmed_at", "confirmed_by", "confirm_posts"])
    audit.record(
        obj=batch,
        action="import.confirmed",
        summary=f"Invited {len(chosen):,} people from a spreadsheet ({batch.source_label})",
        actor=by,
        network_id=batch.network_id,
        object_repr=f"Spreadsheet: {batch.source_label}",
        changes={"Invitations": ["", f"{len(chosen):,}"]},
    )
    send_queued_invitations(network=batch.network)
    return batch


def _invite_rows(
    batch: ImportBatch, by: User, rows: list[dict[str, Any]], *, confirm_posts: bool
) -> None:
    # The database keeps one open invitation per address: one made since the rows were
    # checked (a second tab) wins, and its row is left to it.
    # Bulk inserts send no model signals: the invited addresses' /me/ lists them.
    pagecache.invalidate(*(address_scope(row["email"]) for row in rows))
    Invitation.objects.bulk_create(
        [
            Invitation(
                network=batch.network,
                email=row["email"],
                invited_by=by,
                name=row["name"][:200],
                school_id=imports.school_id_of(row),
                role=row["role"] if imports.school_id_of(row) else "",
                confirm_post=confirm_posts and row["may_confirm"],
                batch=batch,
            )
            for row in rows
        ],
        ignore_conflicts=True,
    )
    made = dict(batch.invitations.values_list("email", "pk"))
    for row in rows:
        row["invitation"] = made.get(row["email"])


@transaction.atomic
def withdraw_import(*, batch: ImportBatch, by: User) -> int:
    """Withdraw every invitation of the batch nobody has answered yet (accepted ones stay:
    they are memberships now). Returns how many were withdrawn."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != ImportBatch.State.CONFIRMED:
        raise ValidationError("Only invitations already made can be withdrawn.")
    unanswered = batch.invitations.filter(accepted_at__isnull=True)
    withdrawn, _ = unanswered.delete()
    batch.state = ImportBatch.State.WITHDRAWN
    batch.withdrawn_at = timezone.now()
    batch.withdrawn_count += withdrawn
    batch.save(update_fields=["state", "withdrawn_at", "withdrawn_count"])
    audit.record(
        obj=batch,
        action="import.withdrawn",
        summary=f"Withdrew {withdrawn:,} unanswered invitations from a spreadsheet",
        actor=by,
        network_id=batch.network_id,
        object_repr=f"Spreadsheet: {batch.source_label}",
        changes={"Unanswered invitations": [f"{withdrawn:,}", "0"]},
    )
    return withdrawn


def prune_import_batches(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Delete drafts, and empty the rows of confirmed batches, IMPORT_BATCH_RETENTION_DAYS
    after they came in: the rows hold names and addresses of people who may never join.
    The invitations, and so each batch's report, stay. Returns (deleted, emptied)."""
    now = now or timezone.now()
    before = now - datetime.timedelta(days=settings.IMPORT_BATCH_RETENTION_DAYS)
    old = ImportBatch.objects.filter(created_at__lt=before)
    deleted, _ = old.filter(state=ImportBatch.State.DRAFT).delete()
    emptied = (
        old.exclude(state=ImportBatch.State.DRAFT)
        .exclude(Q(cells=[]) & Q(rows=[]))
        .update(cells=[], rows=[], lines=[], headers=[])
    )
    return deleted, emptied
