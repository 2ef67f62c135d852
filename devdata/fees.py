"""Demo fees for seed_demo: OSSHTA's £450 a year, invoiced this year, some paid."""

import datetime

from django.utils import timezone

from fees import services
from fees.models import FeeInvoice, FeeScheme, YearKind
from members.models import School, User
from networks.models import Network

# Closed on 31 August 2024 and carried on by 137234 Teaselstead Catholic Academy.
PLOVERCOMBE = 127413

HOW_TO_PAY = """By bank transfer to Oxfordshire Secondary Headteachers' Association
Sort code 00-00-00, account 12345678 (a fictional account: this is demo data)
Quote the invoice reference, so we can match your payment.
Questions: the association's administrator, through the contact form on our page."""


def seed_fees(networks: dict[str, Network], accounts: dict[str, User], log=print) -> None:
    """OSSHTA's fee scheme and this year's invoices: every other one paid. Idempotent."""
    osshta = networks["osshta"]
    FeeScheme.objects.get_or_create(
        network=osshta,
        defaults={
            "year_kind": YearKind.ACADEMIC,
            "basis": FeeScheme.Basis.FLAT,
            "flat_amount_pence": osshta.annual_fee_pence or 45000,
            "reference_prefix": "OSSHTA",
            "how_to_pay": HOW_TO_PAY,
        },
    )
    administrator = accounts["administrator@example.org"]
    services.raise_invoices(network=osshta, by=administrator)
    due = FeeInvoice.objects.filter(network=osshta).due().order_by("school__urn")
    if not FeeInvoice.objects.filter(network=osshta).paid().exists():
        paid_on = timezone.localdate() - datetime.timedelta(days=10)
        for invoice in list(due)[::2]:
            services.mark_paid(invoice=invoice, paid_on=paid_on, by=administrator,
                               reference=f"BACS {invoice.reference}")  # fmt: skip
    _invoices_before_conversion(osshta, administrator)
    counts = {state: FeeInvoice.objects.filter(network=osshta, state=state).count()
              for state in ("due", "paid")}  # fmt: skip
    log(f"OSSHTA invoices: {counts['paid']} paid, {counts['due']} due.")


def _invoices_before_conversion(osshta: Network, administrator: User) -> None:
    """Plovercombe High School's last two years in OSSHTA, both paid, before it closed into
    Teaselstead Catholic Academy (the register's links): Teaselstead's head sees them
    under its fee on OSSHTA's page."""
    plovercombe = School.objects.filter(urn=PLOVERCOMBE, successor__isnull=False).first()
    if plovercombe is None:
        return  # the register sample without its links
    scheme = osshta.fee_scheme
    for year in (2022, 2023):
        invoice, created = FeeInvoice.objects.get_or_create(
            network=osshta, school=plovercombe, year=year, year_kind=scheme.year_kind,
            defaults={
                "amount_pence": 42000,
                "reference": f"{scheme.reference_prefix}-{year}-{plovercombe.urn}",
                "created_at": datetime.datetime(year, 10, 1, 9, tzinfo=datetime.UTC),
                "created_by": administrator,
            },
        )  # fmt: skip
        if created:
            services.mark_paid(invoice=invoice, paid_on=datetime.date(year, 11, 14),
                               by=administrator, reference=f"BACS {invoice.reference}")  # fmt: skip
