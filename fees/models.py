import datetime
import re
from collections.abc import Iterable
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.money import PenceField, format_pence
from members.models import School, in_school_lines
from networks.models import Network, network_scope

from .years import fee_year_label, fee_year_of


class YearKind(models.TextChoices):
    ACADEMIC = "academic", "Academic year (September to August)"
    FINANCIAL = "financial", "Financial year (April to March)"


class FeeScheme(models.Model):
    """What a network charges each member school a year: flat, or banded by pupil numbers."""

    class Basis(models.TextChoices):
        FLAT = "flat", "Flat: the same for every school"
        BANDED = "banded", "Banded by the school's number of pupils"

    network = models.OneToOneField(Network, on_delete=models.CASCADE, related_name="fee_scheme")
    year_kind = models.CharField(
        "fee year", max_length=10, choices=YearKind, default=YearKind.ACADEMIC
    )
    basis = models.CharField(max_length=10, choices=Basis, default=Basis.FLAT)
    flat_amount_pence = PenceField(
        "flat fee (£)", null=True, blank=True, help_text="In pounds, for example 450.00."
    )
    reference_prefix = models.SlugField(
        max_length=20,
        unique=True,
        help_text="Starts every invoice reference, for example OSSHTA (OSSHTA-2026-123456).",
    )
    days_to_pay = models.PositiveSmallIntegerField(
        "days to pay",
        default=30,
        help_text="An invoice is due this many days after it is sent.",
    )
    # Printed on every invoice, with the invoice's reference as the payment reference.
    bank_account_name = models.CharField("account name", max_length=100, blank=True)
    bank_sort_code = models.CharField(
        "sort code", max_length=8, blank=True, help_text="Six digits, for example 20-00-00."
    )
    bank_account_number = models.CharField(
        "account number", max_length=8, blank=True, help_text="Eight digits."
    )
    how_to_pay = models.TextField(
        "other payment notes",
        blank=True,
        help_text="Printed on every invoice under the bank details: a cheque address, who to ask.",
    )

    class Meta:
        verbose_name = "fee scheme"

    def __str__(self):
        return f"Fees of {self.network.label}"

    def clean(self) -> None:
        if self.basis == self.Basis.FLAT and self.flat_amount_pence is None:
            raise ValidationError({"flat_amount_pence": "A flat fee needs an amount."})
        self.reference_prefix = self.reference_prefix.upper()
        self.bank_sort_code = normal_sort_code(self.bank_sort_code)
        self.bank_account_number = normal_account_number(self.bank_account_number)

    @property
    def has_bank_details(self) -> bool:
        return bool(self.bank_sort_code and self.bank_account_number)

    def amount_words(self, school: School | None = None) -> str:
        """The fee as people read it: "£450.00"; banded, the school's own amount when it
        is known, else "£300.00 to £900.00, by the school's number of pupils".

        Reads self.bands (prefetch "bands" to save a query)."""
        if self.basis == self.Basis.FLAT:
            return format_pence(self.flat_amount_pence)
        if school is not None and (amount := self.amount_for(school)) is not None:
            return format_pence(amount)
        amounts = [band.amount_pence for band in self.bands.all()]
        if not amounts:
            return ""
        low, high = format_pence(min(amounts)), format_pence(max(amounts))
        spread = low if low == high else f"{low} to {high}"
        return f"{spread}, by the school's number of pupils"

    def current_year(self) -> int:
        return fee_year_of(self.year_kind)

    def year_label(self, start_year: int) -> str:
        return fee_year_label(self.year_kind, start_year)

    def this_years_invoices(self) -> "FeeInvoiceQuerySet":
        """The network's invoices for the current fee year (one per member school)."""
        return FeeInvoice.objects.filter(
            network=self.network_id, year=self.current_year(), year_kind=self.year_kind
        )

    def amount_for(self, school: School) -> int | None:
        """The fee for the school in pence; None when a banded fee lacks its pupil number.

        Reads self.bands (prefetch "bands" to save a query per school)."""
        if self.basis == self.Basis.FLAT:
            return self.flat_amount_pence
        if school.number_of_pupils is None:
            return None
        for band in self.bands.all():
            if band.up_to_pupils is None or school.number_of_pupils <= band.up_to_pupils:
                return band.amount_pence
        return None

    def page_scopes(self) -> list[str]:
        return [network_scope(self.network.slug)]


def normal_sort_code(text: str) -> str:
    """20-00-00 from "200000", "20 00 00" or "20-00-00"; ValidationError for anything else."""
    digits = re.sub(r"[\s-]", "", text)
    if not digits:
        return ""
    if not re.fullmatch(r"[0-9]{6}", digits):
        raise ValidationError({"bank_sort_code": "A sort code is six digits, such as 20-00-00."})
    return f"{digits[:2]}-{digits[2:4]}-{digits[4:]}"


def normal_account_number(text: str) -> str:
    """Eight digits, spaces taken out; ValidationError for anything else."""
    digits = re.sub(r"\s", "", text)
    if digits and not re.fullmatch(r"[0-9]{8}", digits):
        raise ValidationError({"bank_account_number": "An account number is eight digits."})
    return digits


class FeeBand(models.Model):
    """One band of a banded fee: schools with up to this many pupils pay this much."""

    scheme = models.ForeignKey(FeeScheme, on_delete=models.CASCADE, related_name="bands")
    up_to_pupils = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty: every larger school (the top band)."
    )
    amount_pence = PenceField("fee (£)")

    class Meta:
        ordering = [models.F("up_to_pupils").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "up_to_pupils"], name="fees_band_once"),
        ]

    def __str__(self):
        limit = f"up to {self.up_to_pupils} pupils" if self.up_to_pupils else "larger schools"
        return f"{limit}: {format_pence(self.amount_pence)}"

    def page_scopes(self) -> list[str]:
        return [network_scope(self.scheme.network.slug)]


# An invoice is overdue once its due date has passed (due_on, set when it is sent, from the
# scheme's days to pay); one raised before invoices had due dates, this long after it was
# raised. The network's office lists overdue invoices among the waiting work.
PAYMENT_TERMS = datetime.timedelta(days=30)


class FeeInvoiceQuerySet(models.QuerySet["FeeInvoice"]):
    def of_schools(self, school_ids: Iterable[int]) -> Self:
        """The schools' invoices, with those of the schools they carry on after an academy
        conversion (docs/rules.md, "Academy conversions")."""
        return self.filter(in_school_lines("school", school_ids))

    def due(self) -> Self:
        return self.filter(state=FeeInvoice.State.DUE)

    def overdue(self, now: datetime.datetime | None = None) -> Self:
        """Due, and past its due date (without one: raised more than PAYMENT_TERMS ago)."""
        now = now or timezone.now()
        return self.due().filter(
            models.Q(due_on__lt=timezone.localdate(now))
            | models.Q(due_on__isnull=True, created_at__lte=now - PAYMENT_TERMS)
        )

    def paid(self) -> Self:
        return self.filter(state=FeeInvoice.State.PAID)


class FeeInvoice(models.Model):
    """A member school's fee for one year. The school's record: it stays with the school
    whoever leads it."""

    class State(models.TextChoices):
        DUE = "due", "Due"
        PAID = "paid", "Paid"
        WAIVED = "waived", "Waived"

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="fee_invoices")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="fee_invoices")
    year = models.PositiveSmallIntegerField(help_text="The year the fee year starts in.")
    year_kind = models.CharField("fee year", max_length=10, choices=YearKind)
    amount_pence = PenceField("amount (£)")
    state = models.CharField(max_length=10, choices=State, default=State.DUE)
    reference = models.CharField(max_length=40, unique=True)
    due_on = models.DateField("due by", null=True, blank=True)
    emailed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the invoice was last emailed to the school."
    )
    paid_on = models.DateField(null=True, blank=True)
    payment_reference = models.CharField(
        max_length=100, blank=True, help_text="The bank's or the school's reference for it."
    )
    waived_reason = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)

    objects = FeeInvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "school__name"]
        constraints = [
            # Raising the year's invoices twice (or twice at once) raises each one once.
            models.UniqueConstraint(
                fields=["network", "school", "year", "year_kind"], name="fees_invoice_once_a_year"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="paid") | models.Q(paid_on__isnull=False),
                name="fees_invoice_paid_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="waived") | ~models.Q(waived_reason=""),
                name="fees_invoice_waived_has_reason",
            ),
        ]
        indexes = [
            # The admin's list and the dashboard: a network's invoices by year and state.
            models.Index(fields=["network", "year", "state"], name="fees_invoice_network_year"),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("fees:invoice", args=[self.pk])

    @property
    def pdf_filename(self) -> str:
        return f"{self.reference}.pdf"

    def counts_for(self, school_ids: Iterable[int]) -> int | None:
        """Which of these schools the invoice is a record of: its own school, or the one that
        carries that school on now (reads school.latest_successor_id only)."""
        ids = set(school_ids)
        for school_id in (self.school_id, self.school.latest_successor_id):
            if school_id in ids:
                return school_id
        return None

    def clean(self):
        if self.state == self.State.PAID and not self.paid_on:
            raise ValidationError({"paid_on": "Say when it was paid."})
        if self.state == self.State.WAIVED and not self.waived_reason.strip():
            raise ValidationError({"waived_reason": "Say why it is waived."})

    @property
    def year_label(self) -> str:
        return fee_year_label(self.year_kind, self.year)

    @property
    def amount_display(self) -> str:
        return format_pence(self.amount_pence)

    @property
    def is_due(self) -> bool:
        return self.state == self.State.DUE

    @property
    def is_overdue(self) -> bool:
        """The same rule as FeeInvoiceQuerySet.overdue, for one invoice."""
        if not self.is_due:
            return False
        if self.due_on is not None:
            return self.due_on < timezone.localdate()
        return self.created_at <= timezone.now() - PAYMENT_TERMS

    def page_scopes(self) -> list[str]:
        return [network_scope(self.network.slug)]


class FinanceContact(models.Model):
    """Who at a school receives its fee invoices besides its head (a business manager, the
    finance office): named by the school's head, or by an administrator of a network the
    school belongs to."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="finance_contact")
    name = models.CharField(max_length=150, blank=True)
    email = models.EmailField("email address")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "finance contact"

    def __str__(self):
        return f"Finance contact of {self.school.name}"
