"""Fee workflows. No request, no permission checks: callers decide who may."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.email import queue_templated_email
from core.money import format_pence
from members.models import Post, School, User
from networks.models import Membership, Network

from . import bank
from .models import FeeInvoice, FeeScheme

REMINDER_INTERVAL = datetime.timedelta(days=28)


def _audit(
    invoice: FeeInvoice, action: str, summary: str, by: User | None, changes: audit.Changes
) -> None:
    audit.record(
        obj=invoice,
        action=action,
        summary=summary,
        actor=by,
        network_id=invoice.network_id,
        changes=changes,
        object_repr=f"Invoice {invoice.reference} ({invoice.school.name})",
    )


def member_schools(network: Network) -> QuerySet[School]:
    """The schools holding an active seat in the network: those it invoices."""
    return School.objects.filter(
        memberships__network=network, memberships__status=Membership.Status.ACTIVE
    ).distinct()


@dataclass
class RaiseReport:
    """What raising a year's invoices did."""

    raised: list[FeeInvoice] = field(default_factory=list)
    already: int = 0
    no_amount: list[School] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"{len(self.raised)} invoice(s) raised; {self.already} school(s) already had one"
        if self.no_amount:
            names = ", ".join(school.name for school in self.no_amount)
            text += f"; no fee band fits (pupil number unknown): {names}"
        return text + "."


@transaction.atomic
def raise_invoices(*, network: Network, by: User | None, year: int | None = None) -> RaiseReport:
    """Invoice every member school that has no invoice for the year; running it twice
    raises nothing new. A school that carries on one closed in the year (an academy
    conversion) is not invoiced again for a year the closed school was invoiced for."""
    scheme = FeeScheme.objects.prefetch_related("bands").filter(network=network).first()
    if scheme is None:
        raise ValidationError(f"{network.label} has no fee scheme: set its fees first.")
    year = scheme.current_year() if year is None else year
    report = RaiseReport()
    invoiced = set()
    for school_id, carried_on_by in FeeInvoice.objects.filter(
        network=network, year=year, year_kind=scheme.year_kind
    ).values_list("school_id", "school__latest_successor_id"):
        invoiced |= {school_id, carried_on_by}
    for school in member_schools(network).order_by("name"):
        if school.pk in invoiced:
            report.already += 1
            continue
        amount = scheme.amount_for(school)
        if amount is None:
            report.no_amount.append(school)
            continue
        invoice = _create_invoice(scheme, school, year, amount, by)
        if invoice is None:
            report.already += 1  # raised at the same moment by another request
        else:
            report.raised.append(invoice)
    return report


def _create_invoice(
    scheme: FeeScheme, school: School, year: int, amount: int, by: User | None
) -> FeeInvoice | None:
    try:
        with transaction.atomic():
            invoice = FeeInvoice.objects.create(
                network=scheme.network,
                school=school,
                year=year,
                year_kind=scheme.year_kind,
                amount_pence=amount,
                reference=f"{scheme.reference_prefix}-{year}-{school.urn}",
                created_by=by,
            )
    except IntegrityError:
        return None  # the constraint decides a race: the other one raised it
    _audit(
        invoice,
        "invoice.raised",
        f"Invoice raised for {invoice.year_label}",
        by,
        {"Amount": ["", invoice.amount_display], "State": ["", invoice.get_state_display()]},
    )
    return invoice


def _locked(invoice: FeeInvoice) -> FeeInvoice:
    return (
        FeeInvoice.objects.select_for_update(of=("self",))
        .select_related("school", "network")
        .get(pk=invoice.pk)
    )


@transaction.atomic
def mark_paid(
    *, invoice: FeeInvoice, paid_on: datetime.date, by: User | None, reference: str = ""
) -> FeeInvoice:
    """Record the payment of a due invoice."""
    invoice = _locked(invoice)
    if not invoice.is_due:
        raise ValidationError(f"{invoice.reference} is already {invoice.get_state_display()}.")
    invoice.state = FeeInvoice.State.PAID
    invoice.paid_on = paid_on
    invoice.payment_reference = reference.strip()[:100]
    invoice.save(update_fields=["state", "paid_on", "payment_reference"])
    changes = {"State": ["Due", "Paid"], "Paid on": ["", f"{paid_on:%d %b %Y}"]}
    if invoice.payment_reference:
        changes["Payment reference"] = ["", invoice.payment_reference]
    _audit(invoice, "invoice.paid", "Marked paid", by, changes)
    return invoice


@transaction.atomic
def waive(*, invoice: FeeInvoice, reason: str, by: User | None) -> FeeInvoice:
    """Waive a due invoice, saying why."""
    invoice = _locked(invoice)
    if not reason.strip():
        raise ValidationError("Say why the fee is waived.")
    if not invoice.is_due:
        raise ValidationError(f"{invoice.reference} is already {invoice.get_state_display()}.")
    invoice.state = FeeInvoice.State.WAIVED
    invoice.waived_reason = reason.strip()[:300]
    invoice.save(update_fields=["state", "waived_reason"])
    _audit(
        invoice,
        "invoice.waived",
        "Waived",
        by,
        {"State": ["Due", "Waived"], "Reason": ["", invoice.waived_reason]},
    )
    return invoice


# Reminders ------------------------------------------------------------------------


def current_head_emails(school: School) -> list[str]:
    """Addresses of the school's current verified heads: whoever leads it now is asked (after
    an academy conversion, the heads of the school that carries it on)."""
    return sorted(
        set(
            Post.objects.current()
            .verified()
            .headships()
            .filter(school__in=school.line_ids)
            .values_list("person__email", flat=True)
        )
    )


def send_reminders(
    *, now: datetime.datetime | None = None, interval: datetime.timedelta = REMINDER_INTERVAL
) -> int:
    """Email the current heads of schools with a due invoice, once per invoice per interval.

    Safe to run twice, or twice at once: an invoice is claimed by a conditional update
    of its reminded_at before anyone is emailed. Returns how many invoices were reminded.
    """
    now = now or timezone.now()
    cutoff = now - interval
    candidates = (
        FeeInvoice.objects.due()
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=cutoff))
        .select_related("school", "network")
    )
    sent = 0
    for invoice in candidates:
        claimed = FeeInvoice.objects.filter(
            pk=invoice.pk, state=FeeInvoice.State.DUE, reminded_at=invoice.reminded_at
        ).update(reminded_at=now, reminders_sent=invoice.reminders_sent + 1)
        if not claimed:
            continue  # another run took it
        recipients = current_head_emails(invoice.school)
        if recipients:
            queue_templated_email(
                "fees/email/reminder",
                to=recipients,
                context={
                    "invoice": invoice,
                    "network": invoice.network,
                    "invoice_path": reverse("fees:invoice", args=[invoice.pk]),
                },
            )
            sent += 1
    return sent


# Bank statements ------------------------------------------------------------------


@dataclass
class MatchReport:
    """What matching a bank statement found. Nothing is passed over: a row pays an
    invoice, is that invoice's payment already recorded, pays an invoice already paid
    (to refund or credit), or is not matched, saying why."""

    paid: list[FeeInvoice] = field(default_factory=list)
    already_paid: list[FeeInvoice] = field(default_factory=list)
    paid_twice: list[tuple[bank.StatementRow, FeeInvoice]] = field(default_factory=list)
    unmatched: list[tuple[bank.StatementRow, str]] = field(default_factory=list)
    dry_run: bool = False

    def lines(self) -> list[str]:
        verb = "would be marked paid" if self.dry_run else "marked paid"
        lines = [f"{len(self.paid)} invoice(s) {verb}:"]
        lines += [f"  {invoice.reference} {invoice.amount_display}" for invoice in self.paid]
        lines.append(
            f"{len(self.already_paid)} already paid by these same rows, left as they were."
        )
        lines.append(
            f"{len(self.paid_twice)} payment(s) of an invoice already paid: "
            "check them and refund or credit:"
        )
        lines += [
            f"  line {row.line}: {row.describe()}: {_paid_before(invoice)}"
            for row, invoice in self.paid_twice
        ]
        lines.append(f"{len(self.unmatched)} row(s) not matched:")
        lines += [f"  line {row.line}: {row.describe()}: {why}" for row, why in self.unmatched]
        return lines


def _paid_before(invoice: FeeInvoice) -> str:
    text = f"{invoice.reference} was already paid on {invoice.paid_on:%d %b %Y}"
    return text + (f" ({invoice.payment_reference!r})" if invoice.payment_reference else "")


class _DryRun(Exception):
    pass


def match_bank_statement(
    *, network: Network, rows: list[bank.StatementRow], by: User | None, dry_run: bool = False
) -> MatchReport:
    """Mark paid the network's due invoices that the statement's rows pay: a row naming
    exactly one of its invoices, for exactly its amount. Report the rest: a row naming
    several invoices, paying more or less, or paying an invoice already paid (unless it
    is the very payment recorded, as when the same statement is matched again). A dry
    run changes nothing."""
    report = MatchReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            _match(network, rows, by, report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _is_recorded_payment(invoice: FeeInvoice, row: bank.StatementRow) -> bool:
    """The row is the payment already recorded on the invoice (matched before)."""
    return (
        invoice.paid_on == row.date
        and invoice.payment_reference == row.reference.strip()[:100]
        and invoice.amount_pence == row.amount_pence
    )


def _match(
    network: Network, rows: list[bank.StatementRow], by: User | None, report: MatchReport
) -> None:
    invoices = {
        invoice.reference: invoice
        for invoice in FeeInvoice.objects.filter(network=network).select_related("school")
    }
    index = bank.ReferenceIndex(invoices)
    claimed: set[int] = set()  # invoices a row of this statement has paid or shown paid
    for row in rows:
        # A row without a date or an amount always says why in its problem (bank.py).
        if row.problem or row.date is None or row.amount_pence is None:
            report.unmatched.append((row, row.problem))
            continue
        named = index.found_in(row.reference)
        if not named:
            report.unmatched.append((row, "no invoice of this network has that reference"))
            continue
        if len(named) > 1:
            report.unmatched.append(
                (row, f"names {len(named)} invoices ({', '.join(named)}): match it by hand")
            )
            continue
        invoice = invoices[named[0]]
        if invoice.state == FeeInvoice.State.WAIVED:
            report.unmatched.append((row, f"{invoice.reference} was waived"))
        elif invoice.state == FeeInvoice.State.PAID:
            if invoice.pk not in claimed and _is_recorded_payment(invoice, row):
                report.already_paid.append(invoice)
            else:
                report.paid_twice.append((row, invoice))
            claimed.add(invoice.pk)
        elif row.amount_pence != invoice.amount_pence:
            more = row.amount_pence > invoice.amount_pence
            report.unmatched.append(
                (row, f"{invoice.reference} is for {invoice.amount_display}, "
                      f"not {format_pence(row.amount_pence)}: "
                      f"{'more' if more else 'less'} than is due")
            )  # fmt: skip
        else:
            invoices[invoice.reference] = mark_paid(
                invoice=invoice, paid_on=row.date, by=by, reference=row.reference
            )
            claimed.add(invoice.pk)
            report.paid.append(invoice)
