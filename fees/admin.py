"""Fees in the admin, scoped like every network's data: administrators see their own
networks' schemes and invoices, site staff all of them."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from core.admin import AuditHistoryMixin, CsvExportMixin
from core.money import format_pence, pounds_text
from networks.admin import NetworkScopedAdmin, network_filter

from . import services
from .models import FeeBand, FeeInvoice, FeeScheme
from .years import fee_year_label


class FeeBandInline(admin.TabularInline):
    model = FeeBand
    extra = 1


@admin.register(FeeScheme)
class FeeSchemeAdmin(AuditHistoryMixin, NetworkScopedAdmin):
    # Networks set their fees in the office (office:fee_scheme, through services.save_scheme);
    # this page stays for site staff.
    list_display = ["network", "basis", "year_kind", "flat_fee", "reference_prefix"]
    list_select_related = ["network"]
    inlines = [FeeBandInline]
    actions = ["raise_invoices"]

    @admin.display(description="flat fee")
    def flat_fee(self, scheme):
        return format_pence(scheme.flat_amount_pence)

    @admin.action(description="Raise this year's invoices for every member school")
    def raise_invoices(self, request, queryset):
        for scheme in queryset.select_related("network"):
            try:
                report = services.raise_invoices(network=scheme.network, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
                continue
            self.message_user(request, f"{scheme.network.label}: {report}", messages.SUCCESS)


@admin.register(FeeInvoice)
class FeeInvoiceAdmin(CsvExportMixin, AuditHistoryMixin, NetworkScopedAdmin):
    list_display = ["reference", "school", "urn", "year_label", "amount", "state", "paid_on",
                    "printable"]  # fmt: skip
    list_filter = ["state", "year", network_filter("network")]
    search_fields = ["reference", "school__name", "=school__urn", "payment_reference"]
    list_select_related = ["school", "network"]
    actions = ["mark_paid_today", "waive_selected"]
    # State and money change only through the services (the actions), each audited: a form
    # that wrote them could take a paid invoice back to due or change an issued amount.
    readonly_fields = [
        "reference", "amount_pence", "state", "due_on", "paid_on", "payment_reference",
        "waived_reason", "created_at", "created_by", "emailed_at", "reminded_at", "reminders_sent",
    ]  # fmt: skip
    STAFF_ONLY = ["network", "school", "year", "year_kind"]
    csv_filename = "invoices.csv"
    csv_fields = [
        "reference", "network__short_name", "network__name", "school__name", "school__urn",
        "year", "year_kind", "amount_pence", "state", "paid_on", "payment_reference",
        "waived_reason",
    ]  # fmt: skip
    csv_columns = [
        ("Reference", lambda row: row["reference"]),
        ("Network", lambda row: row["network__short_name"] or row["network__name"]),
        ("School", lambda row: row["school__name"]),
        ("URN", lambda row: row["school__urn"]),
        ("Fee year", lambda row: fee_year_label(row["year_kind"], row["year"])),
        ("Amount (£)", lambda row: pounds_text(row["amount_pence"])),
        ("State", lambda row: FeeInvoice.State(row["state"]).label),
        ("Paid on", lambda row: row["paid_on"].isoformat() if row["paid_on"] else ""),
        ("Payment reference", lambda row: row["payment_reference"]),
        ("Waived because", lambda row: row["waived_reason"]),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))  # the history, on a change
        if obj is not None or not request.user.is_superuser:
            fields += self.STAFF_ONLY  # an invoice stays the school's, for its year
        return fields

    def has_add_permission(self, request):
        return False  # raised from the fee scheme's list, one action for the whole year

    def has_delete_permission(self, request, obj=None):
        return False  # an invoice is paid or waived through the services, never removed

    def audit_repr(self, obj) -> str:
        return f"Invoice {obj.reference} ({obj.school.name})"

    @admin.display(description="URN", ordering="school__urn")
    def urn(self, invoice):
        return invoice.school.urn

    @admin.display(description="year", ordering="year")
    def year_label(self, invoice):
        return invoice.year_label

    @admin.display(description="amount", ordering="amount_pence")
    def amount(self, invoice):
        return invoice.amount_display

    @admin.display(description="invoice")
    def printable(self, invoice):
        return format_html(
            '<a href="{}">Print<span class="visually-hidden"> {}</span></a>',
            reverse("fees:invoice", args=[invoice.pk]),
            invoice.reference,
        )

    @admin.action(description="Mark the selected invoices paid today")
    def mark_paid_today(self, request, queryset):
        # Counted first: the list may be filtered to due invoices, which these stop being.
        selected = list(queryset)
        done = 0
        for invoice in selected:
            if invoice.is_due:
                services.mark_paid(invoice=invoice, paid_on=timezone.localdate(), by=request.user)
                done += 1
        skipped = len(selected) - done
        note = f" ({skipped} not due, left as they were)" if skipped else ""
        self.message_user(request, f"{done} invoice(s) marked paid{note}.", messages.SUCCESS)

    @admin.action(description="Waive the selected invoices…")
    def waive_selected(self, request, queryset):
        due = [invoice for invoice in queryset.select_related("school") if invoice.is_due]
        form = WaiveForm(request.POST if "reason" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/fees/feeinvoice/waive.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Waive invoices",
                    "opts": self.model._meta,
                    "form": form,
                    "invoices": due,
                    "skipped": queryset.count() - len(due),
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for invoice in due:
            services.waive(invoice=invoice, reason=form.cleaned_data["reason"], by=request.user)
        self.message_user(request, f"{len(due)} invoice(s) waived.", messages.SUCCESS)
        return None


class WaiveForm(forms.Form):
    reason = forms.CharField(
        label="Why is the fee waived?",
        max_length=300,
        help_text="Kept with each invoice and in its history.",
    )
