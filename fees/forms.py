"""Fee forms: what people type (pounds, dates, words), cleaned for the services. The rules
themselves live in fees.services; a form only reads the input."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.money import PoundsFormField, format_pence

from . import bank
from .models import FeeInvoice, FeeScheme, YearKind
from .services import SchemeTerms

# Most networks need two or three bands; a form with this many rows covers any of them.
BAND_ROWS = 6
MOST_POUNDS = 100_000_00  # £100,000.00: more than any network's fee, less than a typo's


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FeeSchemeForm(forms.Form):
    """The network's fee scheme, in pounds: flat, or banded by the school's pupils."""

    basis = forms.ChoiceField(
        label="How the fee is set", choices=FeeScheme.Basis.choices, widget=forms.RadioSelect
    )
    flat_amount_pence = PoundsFormField(
        label="Flat fee per school (£)",
        required=False,
        max_value=MOST_POUNDS,
        help_text="For example 450 or £1,250.00. Only for a flat fee.",
    )
    year_kind = forms.ChoiceField(label="Fee year", choices=YearKind.choices)
    reference_prefix = forms.SlugField(
        label="Invoice reference prefix",
        max_length=16,
        help_text="Starts every invoice reference, for example OSSHTA (OSSHTA-2026-123456). "
        "Letters and digits.",
    )
    days_to_pay = forms.IntegerField(
        label="Days to pay", min_value=1, max_value=365, initial=30,
        help_text="An invoice is due this many days after it is sent.",
    )  # fmt: skip
    bank_account_name = forms.CharField(label="Account name", max_length=100, required=False)
    bank_sort_code = forms.CharField(
        label="Sort code", max_length=8, required=False, help_text="For example 20-00-00."
    )
    bank_account_number = forms.CharField(
        label="Account number", max_length=10, required=False, help_text="Eight digits."
    )
    how_to_pay = forms.CharField(
        label="Other payment notes",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Printed under the bank details: a cheque address, who to ask.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank_sort_code"].widget.attrs["inputmode"] = "numeric"
        self.fields["bank_account_number"].widget.attrs["inputmode"] = "numeric"
        for number in range(BAND_ROWS):
            self.fields[f"band_{number}_up_to"] = forms.IntegerField(
                label=f"Band {number + 1}: up to how many pupils",
                required=False,
                min_value=1,
                max_value=100_000,
            )
            self.fields[f"band_{number}_amount"] = PoundsFormField(
                label=f"Band {number + 1}: fee (£)", required=False, max_value=MOST_POUNDS
            )

    @classmethod
    def initial_for(cls, scheme: FeeScheme | None, suggested_prefix: str) -> dict:
        if scheme is None:
            return {"basis": FeeScheme.Basis.FLAT, "year_kind": YearKind.ACADEMIC,
                    "reference_prefix": suggested_prefix, "days_to_pay": 30}  # fmt: skip
        initial = {
            name: getattr(scheme, name)
            for name in [
                "basis", "flat_amount_pence", "year_kind", "reference_prefix", "days_to_pay",
                "bank_account_name", "bank_sort_code", "bank_account_number", "how_to_pay",
            ]
        }  # fmt: skip
        for number, band in enumerate(scheme.bands.all()[:BAND_ROWS]):
            initial[f"band_{number}_up_to"] = band.up_to_pupils
            initial[f"band_{number}_amount"] = band.amount_pence
        return initial

    def band_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """The band fields in pairs, for the template to lay out as rows."""
        return [
            (self[f"band_{number}_up_to"], self[f"band_{number}_amount"])
            for number in range(BAND_ROWS)
        ]

    def clean(self):
        data = super().clean()
        bands = []
        for number in range(BAND_ROWS):
            up_to, amount = data.get(f"band_{number}_up_to"), data.get(f"band_{number}_amount")
            if amount is None and up_to is None:
                continue
            if amount is None:
                self.add_error(f"band_{number}_amount", "Give the fee for this band.")
                continue
            bands.append((up_to, amount))
        data["bands"] = tuple(bands)
        return data

    def terms(self) -> SchemeTerms:
        data = self.cleaned_data
        return SchemeTerms(
            basis=data["basis"],
            year_kind=data["year_kind"],
            reference_prefix=data["reference_prefix"],
            flat_amount_pence=data["flat_amount_pence"],
            bands=data["bands"] if data["basis"] == FeeScheme.Basis.BANDED else (),
            days_to_pay=data["days_to_pay"],
            bank_account_name=data["bank_account_name"],
            bank_sort_code=data["bank_sort_code"],
            bank_account_number=data["bank_account_number"],
            how_to_pay=data["how_to_pay"],
        )


class PaymentForm(forms.Form):
    """A payment received for an invoice: when, how much and the bank's reference."""

    paid_on = forms.DateField(label="Date paid", widget=_date_input())
    amount_pence = PoundsFormField(
        label="Amount received (£)", max_value=MOST_POUNDS, help_text="The whole fee."
    )
    reference = forms.CharField(
        label="Payment reference",
        max_length=100,
        required=False,
        help_text="As the bank statement shows it, or the school's cheque number.",
    )

    def __init__(self, *args, invoice: FeeInvoice, **kwargs):
        kwargs.setdefault(
            "initial", {"paid_on": timezone.localdate(), "amount_pence": invoice.amount_pence}
        )
        super().__init__(*args, prefix="payment", **kwargs)

    def clean_paid_on(self) -> datetime.date:
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise ValidationError("A payment cannot be dated in the future.")
        return paid_on


class WaiveForm(forms.Form):
    reason = forms.CharField(
        label="Why is the fee waived?",
        max_length=300,
        help_text="Kept with the invoice and in its history.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="waive", **kwargs)


class ReissueForm(forms.Form):
    amount_pence = PoundsFormField(label="New amount (£)", max_value=MOST_POUNDS)
    reason = forms.CharField(
        label="Why is it reissued?",
        max_length=300,
        help_text="For example: the school has 420 pupils, not 380. Kept in its history.",
    )

    def __init__(self, *args, invoice: FeeInvoice, suggested_pence: int | None, **kwargs):
        kwargs.setdefault("initial", {"amount_pence": suggested_pence or invoice.amount_pence})
        super().__init__(*args, prefix="reissue", **kwargs)
        if suggested_pence is not None and suggested_pence != invoice.amount_pence:
            self.fields[
                "amount_pence"
            ].help_text = f"The scheme now gives {format_pence(suggested_pence)} for this school."


class BankStatementForm(forms.Form):
    statement = forms.FileField(
        label="Bank statement (CSV)",
        help_text="A CSV file with columns for the date, the amount paid in and the reference "
        f"(or description), up to {bank.MAX_BYTES // (1024 * 1024)} MB.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statement"].widget.attrs["accept"] = ".csv"

    def clean_statement(self) -> list[bank.StatementRow]:
        upload = self.cleaned_data["statement"]
        if upload.size > bank.MAX_BYTES:
            # Refused by its size, before a byte of it is read into memory.
            raise ValidationError(bank.too_large_message())
        try:
            return bank.read_statement_file(upload.read(bank.MAX_BYTES + 1))
        except bank.StatementError as error:
            raise ValidationError(str(error)) from None


class FinanceContactForm(forms.Form):
    name = forms.CharField(label="Name", max_length=150, required=False)
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="Invoices and reminders go here as well as to the head. Leave it empty to "
        "send them to the head only.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
