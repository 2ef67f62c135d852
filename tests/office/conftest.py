import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from fees.models import FeeInvoice, FeeScheme
from members import suppression
from networks.models import Membership, Network
from tests import factories


@pytest.fixture
def school_network(network):
    """`network` as OSSHTA runs: the school is the member, an administrator approves each
    request, and a fee of £450 a year."""
    Network.objects.filter(pk=network.pk).update(
        basis=Network.Basis.SCHOOL, join_policy=Network.JoinPolicy.APPROVAL
    )
    network.refresh_from_db()
    FeeScheme.objects.create(network=network, flat_amount_pence=45000, reference_prefix="OX")
    return network


def seat(network, *, status=Membership.Status.ACTIVE, school_name=None, **head_fields):
    """A school whose verified head holds (or asks for) its seat in the network."""
    school = factories.make_school(name=school_name, sector="secondary")
    head = factories.make_head(school=school, **head_fields)
    membership = factories.make_membership(
        person=head, network=network, school=school, status=status
    )
    return membership


def invoice(network, school, *, state=FeeInvoice.State.DUE, days_ago=0, **fields):
    """This fee year's invoice for the school, raised `days_ago`."""
    scheme = network.fee_scheme
    if state == FeeInvoice.State.PAID:
        fields.setdefault("paid_on", timezone.localdate())
    if state == FeeInvoice.State.WAIVED:
        fields.setdefault("waived_reason", "Hardship")
    return FeeInvoice.objects.create(
        network=network,
        school=school,
        year=scheme.current_year(),
        year_kind=scheme.year_kind,
        amount_pence=45000,
        reference=f"OX-{school.urn}",
        state=state,
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
        **fields,
    )


def bounce(address: str) -> None:
    """Enough permanent bounces that bulk mail to the address stops."""
    for _ in range(suppression.SUPPRESS_AFTER_HARD_BOUNCES):
        suppression.record_hard_bounce(address)


def approve(client, network, membership, **data):
    """Press Approve on the membership's row of the office's member list (its one form)."""
    url = reverse("office:member_action", args=[network.slug])
    follow = data.pop("follow", False)
    return client.post(url, {"approve": membership.pk, **data}, follow=follow)


def change_role(client, network, membership, role, **data):
    """Choose a role on the membership's row of the member list, and press Change role."""
    url = reverse("office:member_action", args=[network.slug])
    follow = data.pop("follow", False)
    form = {"change_role": membership.pk, f"role-{membership.pk}": role}
    return client.post(url, {**form, **data}, follow=follow)
