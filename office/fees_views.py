"""The office's fees: the scheme in pounds, the year's invoices raised and emailed as PDFs,
payments, waivers, reissues, reminders and bank statements, for the network's
administrators (and site staff). Every change is a POST through fees.services, which
audits it."""

import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.models import AuditEvent
from fees import bank, services, summary
from fees.forms import (
    BankStatementForm,
    FeeSchemeForm,
    PaymentForm,
    ReissueForm,
    WaiveForm,
)
from fees.models import FeeInvoice, FeeScheme, FinanceContact
from fees.views import pdf_response
from networks.access import NetworkAccess
from networks.models import Network

from .access import get_office_to_administer

# The statement previewed, kept in the person's session until they confirm it (see
# bank_statement). One per network: a second upload replaces the first.
STATEMENT_KEY = "office:bank_statement:{network}"


def _scheme(network: Network) -> FeeScheme | None:
    return FeeScheme.objects.prefetch_related("bands").filter(network=network).first()


def _invoice(network: Network, pk: int) -> FeeInvoice:
    """One of the network's invoices; another network's is a 404, as is no invoice."""
    invoice = (
        FeeInvoice.objects.filter(network=network, pk=pk)
        .select_related("school__local_authority", "network")
        .first()
    )
    if invoice is None:
        raise Http404("No such invoice.")
    return invoice


def _year_param(request: HttpRequest) -> int | None:
    year = request.GET.get("year", "")
    return int(year) if year.isdecimal() and len(year) == 4 else None


@login_required
def fees_home(request: HttpRequest, slug: str) -> HttpResponse:
    """The scheme, the year's invoices with their states, and the totals."""
    perms = get_office_to_administer(request.user, slug)
    network = perms.network
    scheme = _scheme(network)
    year = summary.year_fees(network, scheme, _year_param(request)) if scheme else None
    return render(
        request,
        "office/fees/fees.html",
        {"network": network, "perms": perms, "scheme": scheme, "fees": year},
    )


def _suggested_prefix(network: Network) -> str:
    return re.sub(r"[^A-Z0-9]", "", network.label.upper())[:16]


@login_required
def fee_scheme(request: HttpRequest, slug: str) -> HttpResponse:
    """Set the fee: flat or banded by pupils, in pounds; the fee year; how to pay."""
    perms = get_office_to_administer(request.user, slug)
    network = perms.network
    scheme = _scheme(network)
    form = FeeSchemeForm(
        request.POST or None, initial=FeeSchemeForm.initial_for(scheme, _suggested_prefix(network))
    )
    if form.is_valid():
        try:
            services.save_scheme(network=network, terms=form.terms(), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{network.label}'s fee scheme is saved.")
            return redirect("office:fees", slug=network.slug)
    return render(
        request,
        "office/fees/fee_scheme.html",
        {"network": network, "perms": perms, "scheme": scheme, "form": form},
    )


@require_POST
@login_required
def fee_invoices_raise(request: HttpRequest, slug: str) -> HttpResponse:
    """Raise this fee year's invoices for every member school without one, and email each."""
    perms = get_office_to_administer(request.user, slug)
    network = perms.network
    try:
        report = services.raise_invoices(network=network, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        level = messages.WARNING if report.no_amount or report.not_emailed else messages.SUCCESS
        messages.add_message(request, level, str(report))
    return redirect("office:fees", slug=network.slug)


def _invoice_page(
    request: HttpRequest,
    perms: NetworkAccess,
    invoice: FeeInvoice,
    *,
    payment_form: PaymentForm | None = None,
    waive_form: WaiveForm | None = None,
    reissue_form: ReissueForm | None = None,
    problem: ValidationError | None = None,
) -> HttpResponse:
    """The invoice's page; `problem`: what the service refused (the page's forms show only
    while the invoice is due, so it is said at the top)."""
    network = perms.network
    scheme = _scheme(network)
    suggested = scheme.amount_for(invoice.school) if scheme else None
    return render(
        request,
        "office/fees/fee_invoice.html",
        {
            "network": network,
            "perms": perms,
            "invoice": invoice,
            "payment_form": payment_form or PaymentForm(invoice=invoice),
            "waive_form": waive_form or WaiveForm(),
            "reissue_form": reissue_form or ReissueForm(invoice=invoice, suggested_pence=suggested),
            "finance_contact": FinanceContact.objects.filter(school=invoice.school).first(),
            "events": AuditEvent.objects.for_object(invoice)[:20],
            "problem": " ".join(problem.messages) if problem else "",
        },
    )


@login_required
def fee_invoice(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One invoice: its PDF, and (while due) recording a payment, a waiver or a reissue."""
    perms = get_office_to_administer(request.user, slug)
    network = perms.network
    return _invoice_page(request, perms, _invoice(network, pk))


@login_required
def fee_invoice_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    perms = get_office_to_administer(request.user, slug)
    network = perms.network
    return pdf_response(_invoice(network, pk))


def _done(request: HttpRequest, invoice: FeeInvoice, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("office:fee_invoice", slug=invoice.network.slug, pk=invoice.pk)


@require_POST
@login_required
def fee_payment(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Record the payment of a due invoice: its date, amount and reference."""
    perms = get_office_to_administer(request.user, slug)
    network = perms.network
    invoice = _invoice(network, pk)
    form = PaymentForm(request.POST, invoice=invoice)
    if form.is_valid():
        try:
            services.mark_paid(
                invoice=invoice,
                paid_on=form.cleaned_data["paid_on"],
                amount_pence=form.cleaned_data["amount_pence"],
                reference=form.cleaned_data["reference"],
                by=request.user,
            )
        except ValidationError as error:
            return _invoice_page(request, perms, invoice, payment_form=form, problem=error)
        return _done(request, invoice, f"{invoice.reference} is recorded as paid.")
    return _invoice_page(request, perms, invoice, payment_form=form)


@require_POST
@login_required
def fee_waive(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    perms = get_office_to_administer(request.user, slug)
    network = perms.network
    invoice = _invoice(network, pk)
    form = WaiveForm(request.POST)
    if form.is_valid():
        try:
            services.waive(invoice=invoice, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            return _invoice_page(request, perms, invoice, waive_form=form, problem=error)
        return _done(request, invoice, f"{invoice.reference} is waived.")
    return _invoice_page(request, perms, invoice, waive_form=form)


@require_POST
@login_required
def fee_reissue(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Correct a due invoice's amount and send it again."""
    perms = get_office_to_administer(request.user, slug)
    network = perms.network
    invoice = _invoice(network, pk)
    form = ReissueForm(request.POST, invoice=invoice, suggested_pence=None)
    if form.is_valid():
        try:
            services.reissue(
                invoice=invoice,
                amount_pence=form.cleaned_data["amount_pence"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            return _invoice_page(request, perms, invoice, reissue_form=form, problem=error)
        return _done(request, invoice, f"{invoice.reference} is reissued and emailed again.")
    return _invoice_page(request, perms, invoice, reissue_form=form)


@require_POST
@login_required
def fee_reminders(request: HttpRequest, slug: str) -> HttpResponse:
    """Send reminders now: the same service, and the same once-per-interval rule, as the
    daily send_fee_reminders command."""
    perms = get_office_to_administer(request.user, slug)
    network = perms.network
    sent = services.send_reminders(network=network, by=request.user)
    days = services.REMINDER_INTERVAL.days
    if sent:
        messages.success(request, f"{sent} reminder(s) sent, each with its invoice attached.")
    else:
        messages.info(
            request,
            f"No reminders sent: every due invoice was sent or reminded within the last {days} "
            "days (or none is due).",
        )
    return redirect("office:fees", slug=network.slug)


# Bank statements ---------------------------------------------------------------------
#
# Two steps, both POSTs: the upload shows what the statement would do, and a second POST
# confirms it. Between them the parsed rows wait in the person's session (server side: the
# database behind the cache), not in a signed hidden field: a statement can be a few hundred
# kilobytes, which a phone would post back whole; and a session copy belongs to this person,
# is gone when they sign out, and is removed once confirmed. Nothing the browser sends on
# confirming is trusted but the preview's plan (a digest of which invoices it showed being
# paid): the match runs again against the database as it is then, and changes nothing
# unless it would do exactly what was previewed (services.match_bank_statement).


def _rows_to_session(rows: list[bank.StatementRow]) -> list[list]:
    return [
        [row.line, row.date.isoformat() if row.date else None, row.amount_pence,
         row.reference, row.problem]
        for row in rows
    ]  # fmt: skip


def _rows_from_session(stored: list[list]) -> list[bank.StatementRow]:
    return [
        bank.StatementRow(
            line, datetime.date.fromisoformat(date) if date else None, amount, reference, problem
        )
        for line, date, amount, reference, problem in stored
    ]


def _preview(
    request: HttpRequest, perms: NetworkAccess, name: str, rows: list[bank.StatementRow]
) -> HttpResponse:
    network = perms.network
    report = services.match_bank_statement(
        network=network, rows=rows, by=request.user, dry_run=True
    )
    request.session[STATEMENT_KEY.format(network=network.pk)] = {
        "name": name,
        "rows": _rows_to_session(rows),
    }
    return render(
        request,
        "office/fees/bank_statement.html",
        {"network": network, "perms": perms, "report": report, "name": name, "form": None},
    )


def _confirm(request: HttpRequest, perms: NetworkAccess) -> HttpResponse:
    network = perms.network
    stored = request.session.get(STATEMENT_KEY.format(network=network.pk))
    if not stored:
        messages.error(request, "There is no statement waiting to be confirmed: upload it again.")
        return redirect("office:bank_statement", slug=network.slug)
    rows = _rows_from_session(stored["rows"])
    try:
        report = services.match_bank_statement(
            network=network, rows=rows, by=request.user, expected_plan=request.POST.get("plan", "")
        )
    except services.StatementChanged as error:
        messages.error(request, " ".join(error.messages))
        return _preview(request, perms, stored["name"], rows)
    del request.session[STATEMENT_KEY.format(network=network.pk)]
    left = len(report.ambiguous) + len(report.paid_twice)
    text = f"{len(report.paid)} invoice(s) marked paid from {stored['name']}."
    if left:
        text += f" {left} row(s) need a person: see the list you previewed."
    messages.success(request, text)
    return redirect("office:fees", slug=network.slug)


@login_required
def bank_statement(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload a bank statement (CSV), see what it would mark paid, what needs a person and
    what matched nothing, then confirm: nothing changes before the confirmation."""
    perms = get_office_to_administer(request.user, slug)
    network = perms.network
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, perms)
    form = BankStatementForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        # A new upload replaces whatever was previewed before, even if it cannot be read.
        request.session.pop(STATEMENT_KEY.format(network=network.pk), None)
    if request.method == "POST" and form.is_valid():
        name = request.FILES["statement"].name[:100]
        return _preview(request, perms, name, form.cleaned_data["statement"])
    return render(
        request,
        "office/fees/bank_statement.html",
        {"network": network, "perms": perms, "form": form, "report": None},
    )
