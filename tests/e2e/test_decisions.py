"""A coordinator records what a closed poll decided, and a member reads it under "What we
decided", at a desk and on a phone, with and without JavaScript."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from networks.models import Membership, Network
from tests import factories
from tests.e2e.conftest import check_page
from tests.e2e.test_networks import sign_in, sign_out
from tests.factories import PASSWORD
from voice.models import Decision

COORDINATOR = "chris.coordinator@osshta.example"
MEMBER = "priya.shah@school.example"


@pytest.fixture
def closed_poll(server):
    """OSSHTA, small: a coordinator, two member schools' heads, and a proposal (one vote
    per school) that has closed with both schools' votes, one of them a block."""
    network = factories.make_network(
        name="Oxfordshire Secondary School Headteachers' Association",
        short_name="OSSHTA",
        slug="osshta",
        basis=Network.Basis.SCHOOL,
    )
    coordinator = factories.make_user(email=COORDINATOR, first_name="Chris", last_name="Lane")
    factories.make_membership(person=coordinator, network=network, role=Membership.Role.COORDINATOR)
    heads = []
    for first, last, school_name, email in (
        ("Priya", "Shah", "Cherwell School", MEMBER),
        ("Tom", "Brook", "Banbury Academy", "tom.brook@school.example"),
    ):
        school = factories.make_school(name=school_name, sector="secondary")
        head = factories.make_head(school=school, first_name=first, last_name=last, email=email)
        factories.make_membership(person=head, network=network, school=school)
        heads.append((head, school))
    poll = factories.make_poll_record(
        network=network,
        title="Respond jointly to the county's consultation on admissions",
        voters="schools",
        state="closed",
        created_by=coordinator,
        closes_at=timezone.now() - datetime.timedelta(hours=1),
    )
    factories.cast_ballot(poll, person=heads[0][0], school=heads[0][1], position="agree")
    factories.cast_ballot(
        poll, person=heads[1][0], school=heads[1][1], position="block",
        text="Not before we have seen the county's figures.",
    )  # fmt: skip
    return poll


def test_a_coordinator_records_the_outcome_and_a_member_reads_it(page, server, closed_poll):
    slug, review_on = closed_poll.network.slug, timezone.localdate() + datetime.timedelta(180)
    sign_in(page, server, COORDINATOR, PASSWORD)

    # From the closing email's link: the count, then the outcome.
    page.goto(f"{server.url}/networks/{slug}/polls/{closed_poll.pk}/results/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Results: Respond jointly")
    positions = page.get_by_role("table", name=re.compile("Positions, from 2 votes"))
    expect(positions.get_by_role("row", name="Block 1")).to_be_visible()
    expect(page.get_by_text("Not before we have seen the county's figures.")).to_be_visible()
    check_page(page, "poll-results")
    page.get_by_role("link", name="Record the outcome").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record the outcome")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_role("alert").first).to_contain_text("Please correct the errors")
    check_page(page, "poll-outcome-errors")

    page.get_by_label("What was decided").fill(
        "We respond jointly once the county has shared its figures."
    )
    page.get_by_label("Review on").fill(f"{review_on:%Y-%m-%d}")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text("The outcome is recorded")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("What we decided")
    assert Decision.objects.get().review_on == review_on
    sign_out(page)

    # A member finds it on the network's page, and everything decided behind the link.
    sign_in(page, server, MEMBER, PASSWORD)
    page.goto(f"{server.url}/networks/{slug}/")
    section = page.get_by_role("region", name="What we decided")
    expect(section.get_by_text("We respond jointly once the county")).to_be_visible()
    section.get_by_role("link", name=re.compile("Everything OSSHTA has decided")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What we decided")
    expect(page.get_by_role("heading", level=2, name=re.compile("Respond jointly"))).to_be_visible()
    expect(page.get_by_text(f"to be reviewed on {review_on:%-d %B %Y}")).to_be_visible()
    check_page(page, "decisions")
