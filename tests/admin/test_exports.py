"""Exports from the admin: the rows the list shows (filters applied), UTF-8 with a header,
formula-safe, streamed so 30,000 rows do not sit in memory."""

import csv
import io
import tracemalloc

import pytest
from django.urls import reverse

from core.csv_export import safe_cell
from fees.models import FeeInvoice
from members.models import School
from networks.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


def _read(response) -> list[dict]:
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx"])
def test_a_cell_that_would_start_a_formula_is_neutralised(text):
    assert safe_cell(text) == f"'{text}"


def test_plain_cells_are_left_alone():
    assert [safe_cell("Zoë O'Neill"), safe_cell(450), safe_cell(None)] == ["Zoë O'Neill", "450", ""]


def test_the_members_export_has_the_administrators_rows_with_the_filter_applied(
    client, administrator, network, other_network, member
):
    factories.make_membership(
        person=factories.make_head(first_name="=HYPERLINK(\"x\")", last_name="Zoë"),
        network=network, status="pending",
    )  # fmt: skip
    factories.make_membership(person=factories.make_head(), network=other_network)
    client.force_login(administrator)
    url = reverse("admin:networks_membership_export")

    everything = _read(client.get(url))
    pending = _read(client.get(url, {"status__exact": "pending"}))
    crafted = _read(client.get(url, {"network": other_network.pk}))

    assert {row["Network"] for row in everything} == {network.label}
    assert len(everything) == 3  # member, administrator, the pending request
    assert [(row["First name"], row["Last name"]) for row in pending] == [
        ('\'=HYPERLINK("x")', "Zoë")
    ]
    assert crafted == []
    assert list(everything[0]) == ["Network", "First name", "Last name", "Email", "School", "URN",
                                   "Status", "Role", "Requested", "Started", "Ended"]  # fmt: skip


def test_site_staff_export_every_network(client, staff, network, other_network, member):
    factories.make_membership(person=factories.make_head(), network=other_network)
    client.force_login(staff)

    rows = _read(client.get(reverse("admin:networks_membership_export")))

    assert {row["Network"] for row in rows} == {network.label, other_network.label}


def test_people_outside_the_admin_cannot_export(client, member):
    client.force_login(member)

    response = client.get(reverse("admin:networks_membership_export"))

    assert response.status_code == 302 and not getattr(response, "streaming", False)


def test_the_list_page_links_to_the_export_with_its_filter(client, administrator):
    client.force_login(administrator)

    page = client.get(
        reverse("admin:networks_membership_changelist"), {"status__exact": "active"}
    ).content.decode()

    assert 'href="export/?status__exact=active"' in page


def _invoices(network, count):
    la = factories.make_la()
    schools = School.objects.bulk_create(
        School(urn=500000 + n, name=f"School {n}", local_authority=la, sector="secondary",
               type_name="Academy converter")
        for n in range(count)
    )  # fmt: skip
    FeeInvoice.objects.bulk_create(
        FeeInvoice(network=network, school=school, year=2026, year_kind="academic",
                   amount_pence=45000, reference=f"OX-2026-{school.urn}")
        for school in schools
    )  # fmt: skip


def _peak_while_streaming(client) -> tuple[int, int]:
    response = client.get(reverse("admin:fees_feeinvoice_export"))
    tracemalloc.start()
    size = sum(len(chunk) for chunk in response.streaming_content)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return size, peak


def test_the_invoice_export_streams_30000_rows_in_flat_memory(client, administrator, network):
    _invoices(network, 5_000)  # a few chunks of the database cursor's 2,000
    client.force_login(administrator)
    small_size, small_peak = _peak_while_streaming(client)
    FeeInvoice.objects.all().delete()
    School.objects.filter(urn__gte=500000).delete()
    _invoices(network, 30_000)

    size, peak = _peak_while_streaming(client)

    assert size > 5.5 * small_size  # six times the rows went out...
    assert peak < 1.2 * small_peak  # ...in the same memory


# Addresses: a network's administrators see only those people chose to share (docs/rules.md,
# "Smaller rules"); site staff, who run the service, see all.


@pytest.fixture
def sharing_and_not(network):
    sharing = factories.make_head(
        email="sharing@school.example", last_name="Sharer", show_email_to_members=True
    )
    private = factories.make_head(email="private@school.example", last_name="Private")
    # No name on their profiles: an admin list would show their address in its place.
    nameless = factories.make_user(email="nameless@school.example", first_name="", last_name="")
    open_nameless = factories.make_user(
        email="open@school.example", first_name="", last_name="", show_email_to_members=True
    )
    for person in (sharing, private, nameless, open_nameless):
        factories.make_membership(person=person, network=network)
    return sharing, private, nameless


def _emails(rows) -> set[tuple[str, str]]:
    return {(row["Last name"], row["Email"]) for row in rows}


def test_the_administrators_export_shows_only_addresses_people_chose_to_share(
    client, administrator, sharing_and_not
):
    client.force_login(administrator)

    response = client.get(reverse("admin:networks_membership_export"))
    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))

    assert _emails(rows) == {
        ("Sharer", "sharing@school.example"),
        ("Private", "Not shared"),
        ("", "Not shared"),
        ("", "open@school.example"),
        (administrator.last_name, "Not shared"),  # their own, unshared, too
    }
    assert "private@school.example" not in text and "nameless@school.example" not in text


def test_site_staff_export_every_address(client, staff, sharing_and_not):
    client.force_login(staff)

    rows = _read(client.get(reverse("admin:networks_membership_export")))

    assert ("Private", "private@school.example") in _emails(rows)
    assert ("", "nameless@school.example") in _emails(rows)


def test_the_administrators_membership_list_and_pages_never_show_an_unshared_address(
    client, administrator, network, sharing_and_not
):
    _sharing, _private, nameless = sharing_and_not
    client.force_login(administrator)

    listing = client.get(reverse("admin:networks_membership_changelist")).content.decode()
    membership = Membership.objects.get(person=nameless)
    page = client.get(
        reverse("admin:networks_membership_change", args=[membership.pk])
    ).content.decode()

    assert "open@school.example" in listing  # shared, and no name to show instead
    assert "Person Sharer" in listing and "Person Private" in listing
    for html in (listing, page):
        assert "nameless@school.example" not in html
        assert "private@school.example" not in html
        assert "(no name on their profile)" in html


def test_site_staff_see_the_address_of_a_person_without_a_name(client, staff, sharing_and_not):
    client.force_login(staff)

    listing = client.get(reverse("admin:networks_membership_changelist")).content.decode()

    assert "nameless@school.example" in listing
