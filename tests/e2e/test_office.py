"""OSSHTA's administrator runs the network from its office, at a desk and on a phone, with
and without JavaScript (docs/product.md, "Journeys", 5): the waiting work with its
counts, a request approved (by keyboard), another declined after a page that asks
first, the members filtered and exported, the history."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import StoryInbox
from fees.models import FeeInvoice, FeeScheme
from members import suppression
from networks import services
from networks.models import Membership, Network
from tests import factories
from tests.e2e.conftest import VIEWPORTS, check_page
from tests.e2e.test_networks import sign_in
from tests.factories import PASSWORD

ADMINISTRATOR = "administrator@osshta.example"
WAITING = [
    "2 join requests to decide",
    "1 post claimed at a member school",
    "1 invoice overdue",
    "1 story to moderate",
    "1 member whose email bounces",
]


@pytest.fixture
def osshta(server):
    """OSSHTA as the demo has it, built small: member schools with their heads, two
    requests, a claim, an invoice overdue, a story waiting and an address that bounces."""
    oxfordshire = factories.make_la()
    network = factories.make_network(
        name="Oxfordshire Secondary School Headteachers' Association",
        short_name="OSSHTA",
        slug="osshta",
        sectors=["secondary"],
        areas=[oxfordshire],
        basis=Network.Basis.SCHOOL,
        join_policy=Network.JoinPolicy.APPROVAL,
    )
    scheme = FeeScheme.objects.create(
        network=network, flat_amount_pence=45000, reference_prefix="OSSHTA"
    )
    administrator = factories.make_user(
        email=ADMINISTRATOR, first_name="Alex", last_name="Administrator"
    )
    factories.make_membership(
        person=administrator, network=network, role=Membership.Role.ADMINISTRATOR
    )
    services.sync_admin_site_access(administrator)

    def seat(first, last, school_name, *, status="active", shares=True):
        school = factories.make_school(name=school_name, sector="secondary", la=oxfordshire)
        head = factories.make_head(
            school=school,
            first_name=first,
            last_name=last,
            email=f"{first.lower()}.{last.lower()}@school.example",
            show_email_to_members=shares,
        )
        return factories.make_membership(person=head, network=network, school=school, status=status)

    members = [
        seat("Priya", "Shah", "Cherwell School"),
        seat("Tom", "Brook", "Banbury Academy", shares=False),
        seat("Helen", "Moss", "Wheatley Park School"),
        seat("Sam", "Okafor", "Matthew Arnold School"),
    ]
    # This year's invoices: the first school has paid; the second owes since 40 days ago.
    for number, membership in enumerate(members):
        paid = number == 0
        FeeInvoice.objects.create(
            network=network,
            school=membership.school,
            year=scheme.current_year(),
            year_kind=scheme.year_kind,
            amount_pence=45000,
            reference=f"OSSHTA-{number}",
            state="paid" if paid else "due",
            paid_on=timezone.localdate() if paid else None,
            created_at=timezone.now() - datetime.timedelta(days=40 if number == 1 else 5),
        )
    seat("Dee", "Asking", "Bicester School", status="pending")
    seat("Ray", "Waiting", "Gosford Hill School", status="pending")
    factories.make_post(
        person=factories.make_user(first_name="Kit", last_name="Claimer"),
        school=members[2].school,
        verified=False,
    )
    StoryInbox.objects.create(network=network)
    factories.make_story(network=network)
    for _ in range(suppression.SUPPRESS_AFTER_HARD_BOUNCES):
        suppression.record_hard_bounce(members[3].person.email)
    return network


def _no_sideways_scroll(page) -> None:
    """At phone width nothing makes the page wider than the screen."""
    if not page.javascript:
        return  # measured with script; the no-JavaScript pass serves the same HTML
    page.set_viewport_size(VIEWPORTS["phone"])
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(VIEWPORTS["desktop"])
    assert width <= VIEWPORTS["phone"]["width"], f"{page.url} is {width}px wide at 390px"


def _press_by_keyboard(page, name: str) -> None:
    """Reach the button by Tab from the top of the page, and press it with Enter."""
    target = page.get_by_role("button", name=name)
    page.locator("body").focus()
    for _ in range(80):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            break
    expect(target).to_be_focused()
    page.keyboard.press("Enter")


def test_the_osshta_administrator_runs_the_network_from_its_office(page, server, osshta):
    sign_in(page, server, ADMINISTRATOR, PASSWORD)

    # In from the network's page.
    page.goto(f"{server.url}/networks/osshta/")
    page.get_by_role("link", name="Network office").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("network office")
    waiting = page.get_by_role("region", name="Waiting work")
    for count in WAITING:
        expect(waiting.get_by_role("heading", name=count)).to_be_visible()
    check_page(page, "office-home")
    _no_sideways_scroll(page)

    # The requests: one approved (by keyboard where there is script to see focus)...
    waiting.get_by_role("link", name=re.compile("2 join requests to decide")).click()
    expect(page.get_by_role("status").filter(has_text="2 memberships found")).to_be_visible()
    check_page(page, "office-requests")
    _no_sideways_scroll(page)
    if page.javascript:
        _press_by_keyboard(page, "Approve Dee Asking")
    else:
        page.get_by_role("button", name="Approve Dee Asking").click()
    expect(page.get_by_text("Approved: Dee Asking is now a member.")).to_be_visible()
    assert Membership.objects.get(person__last_name="Asking").status == "active"

    # ... and one declined, after a page that says what declining does.
    page.get_by_role("link", name="Decline… Ray Waiting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Decline Ray Waiting's request to join?"
    )
    check_page(page, "office-decline")
    page.get_by_label("Reason (optional, sent to the person)").fill("Outside the county.")
    page.get_by_role("button", name="Decline the request").click()
    expect(page.get_by_text("Declined: Ray Waiting has been emailed.")).to_be_visible()
    expect(page.get_by_text("0 memberships found")).to_be_visible()

    # The members, filtered: the schools that have not paid this year.
    page.get_by_role("navigation", name="Network office").get_by_role(
        "link", name="Members"
    ).click()
    page.get_by_label(re.compile("Fee for")).select_option(label="Unpaid")
    page.get_by_role("button", name="Show members").click()
    expect(page.get_by_text("3 memberships found")).to_be_visible()
    rows = page.get_by_role("row")
    expect(rows.filter(has_text="Tom Brook")).to_be_visible()
    expect(rows.filter(has_text="Priya Shah")).to_have_count(0)
    check_page(page, "office-members")
    _no_sideways_scroll(page)

    # Exported as they are filtered, with only the addresses people share.
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download these as CSV")).click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    exported = list(csv.DictReader(io.StringIO(text)))
    by_name = {row["Last name"]: row for row in exported}
    assert set(by_name) == {"Brook", "Moss", "Okafor"}
    assert by_name["Brook"]["Email"] == "Not shared"
    assert by_name["Moss"]["Email"] == "helen.moss@school.example"

    # The history says what was done, and by whom.
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("cell", name=re.compile("Request approved")).first).to_be_visible()
    expect(page.get_by_text("Reason: (empty) → Outside the county.")).to_be_visible()
    check_page(page, "office-history")
    _no_sideways_scroll(page)
