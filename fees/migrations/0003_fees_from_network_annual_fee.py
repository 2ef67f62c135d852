"""A network's old annual fee (Network.annual_fee_pence, removed by networks 0006) becomes a
flat fee scheme, so that every page reads the fee from the scheme. A network that already
has a scheme keeps it: its invoices were raised from the scheme, not from the old field."""

import re

from django.db import migrations


def _prefix(network, taken):
    base = re.sub(r"[^A-Z0-9]", "", (network.short_name or network.slug).upper())[:16] or "FEE"
    prefix, number = base, 1
    while prefix in taken:
        number += 1
        prefix = f"{base}{number}"
    taken.add(prefix)
    return prefix


def schemes_from_annual_fees(apps, schema_editor):
    Network = apps.get_model("networks", "Network")
    FeeScheme = apps.get_model("fees", "FeeScheme")
    taken = set(FeeScheme.objects.values_list("reference_prefix", flat=True))
    charging = Network.objects.filter(annual_fee_pence__gt=0, fee_scheme__isnull=True)
    for network in charging.order_by("pk"):
        FeeScheme.objects.create(
            network=network,
            basis="flat",
            year_kind="academic",
            flat_amount_pence=network.annual_fee_pence,
            reference_prefix=_prefix(network, taken),
        )


def annual_fees_from_schemes(apps, schema_editor):
    """Backwards: a flat scheme's amount back on its network (banded ones have no single
    amount to give back)."""
    FeeScheme = apps.get_model("fees", "FeeScheme")
    Network = apps.get_model("networks", "Network")
    for scheme in FeeScheme.objects.filter(basis="flat", flat_amount_pence__isnull=False):
        Network.objects.filter(pk=scheme.network_id).update(
            annual_fee_pence=scheme.flat_amount_pence
        )


class Migration(migrations.Migration):
    dependencies = [
        ("fees", "0002_scheme_bank_details_due_dates_finance_contacts"),
        ("networks", "0005_emailpreference"),
    ]

    operations = [migrations.RunPython(schemes_from_annual_fees, annual_fees_from_schemes)]
