import datetime
from collections.abc import Iterable
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.money import PenceField, format_pence
from members.models import School, in_school_lines
from networks.models import Network

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
    how_to_pay = models.TextField(
        blank=True, help_text="Printed on every invoice: bank details, who to ask."
    )

    class Meta:
        verbose_name = "fee scheme"

    def __str__(self):
        return f"Fees of {self.network.label}"

    def clean(self):
        if self.basis == self.Basis.FLAT and self.flat_amount_pence is None:
            raise ValidationError({"flat_amount_pence": "A flat fee needs an amount."})
        self.reference_prefix = self.reference_prefix.upper()

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


# An invoice not paid (nor waived) this long after it was raised is overdue: the
# network's office lists it among the waiting work.
PAYMENT_TERMS = datetime.timedelta(days=30)


class FeeInvoiceQuerySet(models.QuerySet["FeeInvoice"]):
    def of_schools(self, school_ids: Iterable[int]) -> Self:
        """The schools' invoices, with those of the schools they carry on after an academy
        conversion (docs/rules.md, "Academy conversions")."""
        return self.filter(in_school_lines("school", school_ids))

    def due(self) -> Self:
        return self.filter(state=FeeInvoice.State.DUE)

    def overdue(self, now: datetime.datetime | None = None) -> Self:
        """Due, and raised more than PAYMENT_TERMS ago."""
        return self.due().filter(created_at__lte=(now or timezone.now()) - PAYMENT_TERMS)

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
        return self.is_due and self.created_at <= timezone.now() - PAYMENT_TERMS
