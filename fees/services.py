"""Fee workflows. No request, no permission checks: callers decide who may."""

import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.email import queue_templated_email
from core.money import format_pence
from members.models import Post, School, User
from networks.models import Membership, Network

from . import bank
from .models import FeeBand, FeeInvoice, FeeScheme, FinanceContact

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


# The scheme ----------------------------------------------------------------------

SCHEME_FIELDS = [
    "basis", "flat_amount_pence", "year_kind", "reference_prefix", "days_to_pay",
    "bank_account_name", "bank_sort_code", "bank_account_number", "how_to_pay",
]  # fmt: skip


@dataclass(frozen=True)
class SchemeTerms:
    """What a network's administrator sets for its fees (the office's scheme form)."""

    basis: str
    year_kind: str
    reference_prefix: str
    flat_amount_pence: int | None = None
    # (up to this many pupils, fee in pence); None for the top band: every larger school.
    bands: tuple[tuple[int | None, int], ...] = ()
    days_to_pay: int = 30
    bank_account_name: str = ""
    bank_sort_code: str = ""
    bank_account_number: str = ""
    how_to_pay: str = ""


def _check_bands(bands: tuple[tuple[int | None, int], ...]) -> list[tuple[int | None, int]]:
    if not bands:
        raise ValidationError("A banded fee needs at least one band.")
    limits = [up_to for up_to, _amount in bands]
    if limits.count(None) != 1:
        raise ValidationError(
            "Leave the pupil limit empty on exactly one band, the top one, so that every "
            "school fits a band."
        )
    if len(set(limits)) != len(limits):
        raise ValidationError("Two bands have the same pupil limit.")
    if any(amount <= 0 for _up_to, amount in bands):
        raise ValidationError("Every band needs a fee of more than £0.00.")
    return sorted(bands, key=lambda band: (band[0] is None, band[0] or 0))


def _bands_text(bands: Iterable[tuple[int | None, int]]) -> str:
    return "; ".join(
        f"{'larger' if up_to is None else f'up to {up_to}'}: {format_pence(amount)}"
        for up_to, amount in bands
    )


def _checked_bands(terms: SchemeTerms) -> list[tuple[int | None, int]]:
    """The terms' bands in order (none for a flat fee), once the terms add up."""
    if terms.basis == FeeScheme.Basis.BANDED:
        bands = _check_bands(terms.bands)
    elif not terms.flat_amount_pence:
        raise ValidationError("A flat fee needs an amount of more than £0.00.")
    else:
        bands = []
    if bool(terms.bank_sort_code.strip()) != bool(terms.bank_account_number.strip()):
        raise ValidationError("Give both the sort code and the account number, or neither.")
    if not 1 <= terms.days_to_pay <= 365:
        raise ValidationError("Give between 1 and 365 days to pay.")
    return bands


def _scheme_changes(before: FeeScheme, after: FeeScheme, bands: list[str]) -> audit.Changes:
    changes = audit.model_changes(before, after, [f for f in SCHEME_FIELDS if "pence" not in f])
    if before.flat_amount_pence != after.flat_amount_pence:
        changes["Flat fee"] = [
            format_pence(before.flat_amount_pence),
            format_pence(after.flat_amount_pence),
        ]
    if bands[0] != bands[1]:
        changes["Bands"] = bands
    return changes


@transaction.atomic
def save_scheme(*, network: Network, terms: SchemeTerms, by: User | None) -> FeeScheme:
    """Set the network's fees: flat or banded by pupils, the fee year, how to pay. Invoices
    already raised keep their amount."""
    scheme = FeeScheme.objects.select_for_update().filter(network=network).first() or FeeScheme(
        network=network
    )
    before = FeeScheme(**{name: getattr(scheme, name) for name in SCHEME_FIELDS})
    old_bands = scheme.bands.values_list("up_to_pupils", "amount_pence") if scheme.pk else []
    bands_before = _bands_text(old_bands)
    if scheme.pk and terms.year_kind != scheme.year_kind and network.fee_invoices.due().exists():
        raise ValidationError(
            "Some invoices are still due for the old fee year: settle them before the fee "
            "year changes, so that no school is invoiced twice for the same months."
        )
    bands = _checked_bands(terms)
    for name in SCHEME_FIELDS:
        setattr(scheme, name, getattr(terms, name))
    if bands:
        scheme.flat_amount_pence = None
    scheme.clean()  # normalises the prefix, sort code and account number
    taken = FeeScheme.objects.filter(reference_prefix=scheme.reference_prefix)
    if taken.exclude(network=network).exists():
        raise ValidationError(
            f"Another network's invoices already start with {scheme.reference_prefix}: "
            "choose another reference prefix."
        )
    created = scheme.pk is None
    scheme.save()
    scheme.bands.all().delete()
    FeeBand.objects.bulk_create(
        FeeBand(scheme=scheme, up_to_pupils=up_to, amount_pence=amount) for up_to, amount in bands
    )
    changes = _scheme_changes(before, scheme, [bands_before, _bands_text(bands)])
    if changes:
        audit.record(
            obj=scheme,
            action="fees.scheme_set" if created else "fees.scheme_changed",
            summary="Fee scheme set" if created else "Fee scheme changed",
            actor=by,
            network_id=network.pk,
            changes=changes,
            object_repr=f"Fee scheme of {network.label}",
        )
    return scheme


# Invoices ---------------------------------------------------------------------------


@dataclass
class RaiseReport:
    """What raising a year's invoices did."""

    raised: list[FeeInvoice] = field(default_factory=list)
    already: int = 0
    no_amount: list[School] = field(default_factory=list)
    emailed: int = 0
    not_emailed: list[School] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"{len(self.raised)} invoice(s) raised; {self.already} school(s) already had one"
        if self.no_amount:
            names = ", ".join(school.name for school in self.no_amount)
            text += f"; no fee band fits (pupil number unknown): {names}"
        if self.emailed:
            text += f"; {self.emailed} emailed as a PDF"
        if self.not_emailed:
            names = ", ".join(school.name for school in self.not_emailed)
            text += f"; not emailed (no verified head or finance contact to send it to): {names}"
        return text + "."


@transaction.atomic
def raise_invoices(
    *, network: Network, by: User | None, year: int | None = None, email: bool = True
) -> RaiseReport:
    """Invoice every member school that has no invoice for the year, and email each new
    invoice as a PDF to the school's head and finance contact (unless `email` is False);
    running it twice raises and sends nothing new. A school that carries on one closed in
    the year (an academy conversion) is not invoiced again for a year the closed school
    was invoiced for."""
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
    for invoice in report.raised if email else []:
        if send_invoice(invoice=invoice, by=by):
            report.emailed += 1
        else:
            report.not_emailed.append(invoice.school)
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
                due_on=_due_on(scheme),
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


def _due_on(scheme: FeeScheme) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=scheme.days_to_pay)


def invoice_recipients(school: School) -> list[str]:
    """Who receives the school's invoices and reminders: its current verified heads, and
    the finance contact the school named (if any), each once; after an academy conversion,
    those of the school that carries it on too."""
    heads = current_head_emails(school)
    contacts = FinanceContact.objects.filter(school__in=school.line_ids).order_by("pk")
    extra: list[str] = []
    for email in contacts.values_list("email", flat=True):
        if email.lower() not in {address.lower() for address in heads + extra}:
            extra.append(email)
    return heads + extra


def _email_invoice(invoice: FeeInvoice, template_prefix: str) -> int:
    """Email the invoice (its PDF attached, made at send time) to each of the school's
    recipients separately: a head's address is not shown to the finance office. Returns
    how many were emailed."""
    recipients = invoice_recipients(invoice.school)
    heads = set(current_head_emails(invoice.school))
    for address in recipients:
        queue_templated_email(
            template_prefix,
            to=[address],
            context={
                "invoice": invoice,
                "network": invoice.network,
                "to_head": address in heads,
                "invoice_path": reverse("fees:invoice", args=[invoice.pk]),
                "finance_contact_path": reverse("fees:finance_contact", args=[invoice.school.urn]),
            },
            attachment={"maker": "fee_invoice_pdf", "ids": {"invoice_id": invoice.pk}},
        )
    return len(recipients)


@transaction.atomic
def send_invoice(*, invoice: FeeInvoice, by: User | None) -> int:
    """Email the invoice as a PDF to the school's heads and finance contact; returns how
    many addresses it went to (0: nobody to send it to, and nothing recorded)."""
    invoice = _locked(invoice)
    sent = _email_invoice(invoice, "fees/email/invoice")
    if sent:
        invoice.emailed_at = timezone.now()
        invoice.save(update_fields=["emailed_at"])
        _audit(
            invoice,
            "invoice.emailed",
            f"Emailed as a PDF to {sent} address{'es' if sent > 1 else ''} at the school",
            by,
            {},
        )
    return sent


def _locked(invoice: FeeInvoice) -> FeeInvoice:
    return (
        FeeInvoice.objects.select_for_update(of=("self",))
        .select_related("school", "network")
        .get(pk=invoice.pk)
    )


@transaction.atomic
def mark_paid(
    *,
    invoice: FeeInvoice,
    paid_on: datetime.date,
    by: User | None,
    reference: str = "",
    amount_pence: int | None = None,
) -> FeeInvoice:
    """Record the payment of a due invoice: when it was paid (not in the future) and the
    bank's or school's reference; `amount_pence`, when given, must be the invoice's amount
    (a part payment is not a payment of the invoice)."""
    invoice = _locked(invoice)
    if not invoice.is_due:
        raise ValidationError(f"{invoice.reference} is already {invoice.get_state_display()}.")
    if paid_on > timezone.localdate():
        raise ValidationError("A payment cannot be dated in the future.")
    if amount_pence is not None and amount_pence != invoice.amount_pence:
        raise ValidationError(
            f"{invoice.reference} is for {invoice.amount_display}, not "
            f"{format_pence(amount_pence)}: record a payment only when the whole fee is paid, "
            "or reissue the invoice for the agreed amount."
        )
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


@transaction.atomic
def reissue(*, invoice: FeeInvoice, amount_pence: int, reason: str, by: User | None) -> FeeInvoice:
    """Correct a due invoice's amount (a band misread, a fee agreed), saying why; its due date
    starts again and it is emailed to the school again. Its reference stays."""
    invoice = _locked(invoice)
    if not invoice.is_due:
        raise ValidationError(
            f"{invoice.reference} is {invoice.get_state_display().lower()}: only a due invoice "
            "is reissued."
        )
    if not reason.strip():
        raise ValidationError("Say why the invoice is reissued.")
    if amount_pence <= 0:
        raise ValidationError("A reissued invoice needs an amount of more than £0.00; to "
                              "charge nothing, waive it.")  # fmt: skip
    scheme = FeeScheme.objects.filter(network_id=invoice.network_id).first()
    before_amount, before_due = invoice.amount_display, invoice.due_on
    invoice.amount_pence = amount_pence
    invoice.due_on = timezone.localdate() + datetime.timedelta(
        days=scheme.days_to_pay if scheme else 30
    )
    invoice.save(update_fields=["amount_pence", "due_on"])
    changes: audit.Changes = {"Reason": ["", reason.strip()[:300]]}
    if invoice.amount_display != before_amount:
        changes["Amount"] = [before_amount, invoice.amount_display]
    changes["Due by"] = [
        f"{before_due:%d %b %Y}" if before_due else "",
        f"{invoice.due_on:%d %b %Y}",
    ]
    _audit(invoice, "invoice.reissued", "Reissued", by, changes)
    send_invoice(invoice=invoice, by=by)
    return invoice


# Finance contacts ----------------------------------------------------------------


@transaction.atomic
def set_finance_contact(
    *,
    school: School,
    email: str,
    by: User | None,
    name: str = "",
    network_id: int | None = None,
) -> FinanceContact | None:
    """Name who at the school receives its fee invoices besides its head (an empty address
    removes them). `network_id`: the network whose administrator set it, for its history.
    The address itself is not written to the history (it is nobody's account to erase)."""
    email = email.strip()
    current = FinanceContact.objects.select_for_update().filter(school=school).first()
    if not email:
        if current is None:
            return None
        current.delete()
        _audit_contact(school, "removed", by, network_id)
        return None
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(f"{email} is not an email address.") from None
    if current and current.email == email and current.name == name.strip():
        return current
    contact, created = FinanceContact.objects.update_or_create(
        school=school,
        defaults={"email": email, "name": name.strip()[:150], "updated_at": timezone.now(),
                  "updated_by": by},
    )  # fmt: skip
    _audit_contact(school, "named" if created else "changed", by, network_id)
    return contact


def _audit_contact(school: School, how: str, by: User | None, network_id: int | None) -> None:
    audit.record(
        obj=school,
        action=f"school.finance_contact_{how}",
        summary=f"Finance contact for fee invoices {how}",
        actor=by,
        network_id=network_id,
        object_repr=school.name,
    )


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


def due_for_reminder(
    *, now: datetime.datetime | None = None, interval: datetime.timedelta = REMINDER_INTERVAL
) -> QuerySet[FeeInvoice]:
    """Due invoices whose school has heard nothing about them for the interval: neither the
    invoice itself (emailed, or raised before invoices were emailed) nor a reminder."""
    cutoff = (now or timezone.now()) - interval
    sent_at = Coalesce("emailed_at", "created_at")
    return (
        FeeInvoice.objects.due()
        .alias(sent_at=sent_at)
        .filter(Q(reminded_at__isnull=True, sent_at__lte=cutoff) | Q(reminded_at__lte=cutoff))
    )


def send_reminders(
    *,
    now: datetime.datetime | None = None,
    interval: datetime.timedelta = REMINDER_INTERVAL,
    network: Network | None = None,
    by: User | None = None,
) -> int:
    """Email the current heads (and finance contact) of schools with a due invoice, the PDF
    attached, at most once per invoice per interval (counted from the invoice or its last
    reminder); only the network's invoices when one is given.

    Safe to run twice, or twice at once: an invoice is claimed by a conditional update
    of its reminded_at before anyone is emailed. Returns how many invoices were reminded.
    """
    now = now or timezone.now()
    candidates = due_for_reminder(now=now, interval=interval).select_related("school", "network")
    if network is not None:
        candidates = candidates.filter(network=network)
    sent = 0
    for invoice in candidates:
        claimed = FeeInvoice.objects.filter(
            pk=invoice.pk, state=FeeInvoice.State.DUE, reminded_at=invoice.reminded_at
        ).update(reminded_at=now, reminders_sent=invoice.reminders_sent + 1)
        if not claimed:
            continue  # another run took it
        if _email_invoice(invoice, "fees/email/reminder"):
            count = [str(invoice.reminders_sent), str(invoice.reminders_sent + 1)]
            _audit(invoice, "invoice.reminded", "Reminder emailed", by, {"Reminders": count})
            sent += 1
    return sent


# Bank statements ------------------------------------------------------------------


@dataclass
class MatchReport:
    """What matching a bank statement found. Nothing is passed over: a row pays an invoice
    (`paid`), is that invoice's payment already recorded (`already_paid`), needs a person
    (`ambiguous`: it names several invoices, pays more or less than is due, or pays an
    invoice waived; `paid_twice`: it pays an invoice already paid, to refund or credit), or
    names no invoice of the network or cannot be read (`unmatched`, saying why)."""

    paid: list[FeeInvoice] = field(default_factory=list)
    paid_rows: list[bank.StatementRow] = field(default_factory=list)
    already_paid: list[FeeInvoice] = field(default_factory=list)
    paid_twice: list[tuple[bank.StatementRow, FeeInvoice]] = field(default_factory=list)
    ambiguous: list[tuple[bank.StatementRow, str]] = field(default_factory=list)
    unmatched: list[tuple[bank.StatementRow, str]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def matches(self) -> list[tuple[bank.StatementRow, FeeInvoice]]:
        return list(zip(self.paid_rows, self.paid, strict=True))

    @property
    def to_check(self) -> int:
        """Rows naming an invoice that a person must look at."""
        return len(self.ambiguous) + len(self.paid_twice)

    @property
    def plan(self) -> str:
        """A digest of what the match marks paid (which invoice, by which row): the preview
        shows it, and confirming carries it, so only what was previewed is ever done."""
        matched = sorted(
            (invoice.pk, row.line, str(row.date), row.amount_pence, row.reference)
            for row, invoice in self.matches
        )
        return hashlib.sha256(json.dumps(matched).encode()).hexdigest()

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
            f"  line {row.line}: {row.describe()}: {paid_before(invoice)}"
            for row, invoice in self.paid_twice
        ]
        lines.append(f"{len(self.ambiguous)} row(s) to match by hand:")
        lines += [f"  line {row.line}: {row.describe()}: {why}" for row, why in self.ambiguous]
        lines.append(f"{len(self.unmatched)} row(s) not matched:")
        lines += [f"  line {row.line}: {row.describe()}: {why}" for row, why in self.unmatched]
        return lines


def paid_before(invoice: FeeInvoice) -> str:
    text = f"{invoice.reference} was already paid on {invoice.paid_on:%d %b %Y}"
    return text + (f" ({invoice.payment_reference!r})" if invoice.payment_reference else "")


class _DryRun(Exception):
    pass


class StatementChanged(ValidationError):
    """What the statement would do now is not what was previewed: nothing was done."""


def match_bank_statement(
    *,
    network: Network,
    rows: list[bank.StatementRow],
    by: User | None,
    dry_run: bool = False,
    expected_plan: str | None = None,
) -> MatchReport:
    """Mark paid the network's due invoices that the statement's rows pay: a row naming
    exactly one of its invoices, for exactly its amount, dated no later than today. Report
    the rest: a row naming several invoices, paying more or less, or paying an invoice
    already paid (unless it is the very payment recorded, as when the same statement is
    matched again). A dry run changes nothing. With `expected_plan` (a preview's plan),
    nothing is done unless the match would do exactly what the preview showed: the rules
    are checked against the database as it is now, not as it was at the preview."""
    report = MatchReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            _match(network, rows, by, report)
            if expected_plan is not None and report.plan != expected_plan:
                raise StatementChanged(
                    "Something changed since the preview (an invoice was paid, waived or "
                    "reissued meanwhile): nothing was marked paid. Check the new preview "
                    "below and confirm again."
                )
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
    today = timezone.localdate()
    for row in rows:
        # A row without a date or an amount always says why in its problem (bank.py).
        if row.problem or row.date is None or row.amount_pence is None:
            report.unmatched.append((row, row.problem))
            continue
        named = index.found_in(row.reference)
        if not named:
            report.unmatched.append((row, "no invoice of this network has that reference"))
        elif len(named) > 1:
            report.ambiguous.append(
                (row, f"names {len(named)} invoices ({', '.join(named)}): match it by hand")
            )
        elif row.date > today:
            report.ambiguous.append((row, "is dated in the future: check the statement"))
        else:
            _match_one(invoices[named[0]], row, row.date, row.amount_pence, by, report, claimed)


def _match_one(
    invoice: FeeInvoice,
    row: bank.StatementRow,
    paid_on: datetime.date,
    amount: int,
    by: User | None,
    report: MatchReport,
    claimed: set[int],
) -> None:
    if invoice.state == FeeInvoice.State.WAIVED:
        report.ambiguous.append((row, f"{invoice.reference} was waived"))
    elif invoice.state == FeeInvoice.State.PAID:
        if invoice.pk not in claimed and _is_recorded_payment(invoice, row):
            report.already_paid.append(invoice)
        else:
            report.paid_twice.append((row, invoice))
        claimed.add(invoice.pk)
    elif amount != invoice.amount_pence:
        more = amount > invoice.amount_pence
        report.ambiguous.append(
            (row, f"{invoice.reference} is for {invoice.amount_display}, "
                  f"not {format_pence(amount)}: "
                  f"{'more' if more else 'less'} than is due")
        )  # fmt: skip
    else:
        paid = mark_paid(invoice=invoice, paid_on=paid_on, by=by, reference=row.reference)
        # The same object stands for the invoice in the index: a second row paying it
        # again in this statement sees it paid.
        invoice.state, invoice.paid_on = paid.state, paid.paid_on
        invoice.payment_reference = paid.payment_reference
        claimed.add(invoice.pk)
        report.paid.append(invoice)
        report.paid_rows.append(row)
