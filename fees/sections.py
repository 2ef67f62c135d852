"""The fee section of a network's page: a member school's fee for this year (networks asks;
it never imports us)."""

from networks.sections import Section

from .models import FeeInvoice, FeeScheme


def school_fee_state(scheme: FeeScheme, school_id: int) -> FeeInvoice | None:
    """The school's invoice for the scheme's current fee year, if one has been raised."""
    return FeeInvoice.objects.filter(
        network_id=scheme.network_id,
        school_id=school_id,
        year=scheme.current_year(),
        year_kind=scheme.year_kind,
    ).first()


def fee_section(request, perms) -> Section | None:
    """For a member holding their school's seat: whether this year's fee is paid."""
    membership = perms.membership
    if membership is None or not membership.is_active or not membership.school_id:
        return None
    scheme = FeeScheme.objects.filter(network=perms.network).first()
    if scheme is None:
        return None
    return Section(
        "fees/_network_section.html",
        {
            "scheme": scheme,
            "year_label": scheme.year_label(scheme.current_year()),
            "school": membership.school,
            "invoice": school_fee_state(scheme, membership.school_id),
        },
        order=40,
    )
