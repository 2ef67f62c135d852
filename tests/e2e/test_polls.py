"""A network's collective voice (docs/product.md, "A collective voice (`voice/`)") in a real
browser, with and without JavaScript: a coordinator starts each kind of poll and opens one;
a head holding their school's seat in a school-based network votes for the school, in
secret, and votes in an open ranked and meeting-time poll, then changes one vote."""

import re

import pytest
from playwright.sync_api import expect

from networks.models import Membership, Network
from tests import factories
from tests.e2e.conftest import check_page
from tests.e2e.test_networks import sign_in, sign_out
from voice.models import Ballot, Poll, VoteRecord


@pytest.fixture
def association(server):
    """A school-based network with a coordinator and a head holding their school's seat."""
    network = factories.make_network(
        name="Oxfordshire Secondary Heads Association", short_name="OSHA", slug="osha",
        basis=Network.Basis.SCHOOL,
    )  # fmt: skip
    coordinator = factories.make_head(
        email="coordinator@osha.example", first_name="Cora", last_name="Ordway"
    )
    factories.make_membership(
        person=coordinator, network=network, role=Membership.Role.COORDINATOR,
        school=coordinator.posts.get().school,
    )  # fmt: skip
    head = factories.make_head(
        email="head@osha.example", first_name="Hal", last_name="Headley",
        school=factories.make_school(name="Cherwell Valley School"),
    )  # fmt: skip
    factories.make_membership(person=head, network=network, school=head.posts.get().school)
    return network


KINDS = [
    ("proposal", "Proposal", {}),
    ("single", "Single choice", {"Option 1": "Monday", "Option 2": "Friday"}),
    ("multiple", "Multiple choice", {"Option 1": "Curriculum", "Option 2": "Finance",
                                     "Option 3": "SEND"}),
    ("ranked", "Ranked choice", {"Option 1": "Ann", "Option 2": "Ben", "Option 3": "Cat"}),
    ("meeting_time", "Meeting time", {}),
    ("question", "Consultation question", {}),
]  # fmt: skip


def test_a_coordinator_starts_each_kind_of_poll_and_opens_one(page, server, association):
    sign_in(page, server, "coordinator@osha.example", factories.PASSWORD)
    for kind, label, options in KINDS:
        page.goto(server.url + "/networks/osha/polls/")
        page.get_by_role("link", name="Start a poll").click()
        if kind == "proposal":
            check_page(page, "poll-kinds")
        page.get_by_role("link", name=re.compile(label)).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            re.compile(f"Start a poll: {label}", re.IGNORECASE)
        )
        if kind == "proposal":  # nothing written: the errors are at their fields
            page.get_by_role("button", name="Save draft").click()
            expect(page.get_by_role("alert").first).to_contain_text("Please correct the errors")
            check_page(page, "poll-form-errors")
        # In a school-based network one vote per member school is the default.
        expect(page.get_by_label("One vote per member school")).to_be_checked()
        page.get_by_label("Title").fill(f"A {label.lower()} for the association")
        for field, value in options.items():
            page.get_by_label(field, exact=True).fill(value)
        if kind == "meeting_time":
            first = page.get_by_role("group", name="Time 1")
            first.get_by_label("Date").fill("2027-02-02")
            first.get_by_label("Starts").fill("16:00")
            first.get_by_label("Ends").fill("17:30")
            page.get_by_role("group", name="Time 2").get_by_label("Date").fill("2027-02-03")
            page.get_by_role("group", name="Time 2").get_by_label("Starts").fill("09:00")
        if kind == "proposal":
            page.get_by_label("Secret ballot").check()
        check_page(page, f"poll-form-{kind}")
        page.get_by_role("button", name="Save draft").click()
        expect(page.get_by_text("This is a draft")).to_be_visible()
        for value in options.values():
            expect(page.get_by_role("listitem").filter(has_text=value).first).to_be_visible()
        if kind == "meeting_time":
            expect(page.get_by_text("Tue 2 Feb 2027, 16:00 to 17:30")).to_be_visible()
            check_page(page, "poll-draft")

    assert sorted(Poll.objects.values_list("kind", flat=True)) == sorted(k for k, _, _ in KINDS)
    assert set(Poll.objects.values_list("voters", flat=True)) == {"schools"}
    page.goto(server.url + "/networks/osha/polls/")
    check_page(page, "poll-list-drafts")
    page.get_by_role("link", name="A proposal for the association").click()
    page.get_by_role("button", name="Open the poll").click()
    expect(page.get_by_text("The poll is open")).to_be_visible()
    assert Poll.objects.get(kind="proposal").state == Poll.State.OPEN
    assert Poll.objects.get(kind="proposal").secret


def test_a_head_votes_for_their_school_in_secret(page, server, association):
    poll = factories.make_poll(
        network=association, kind="proposal", title="Join the county's new partnership?",
        voters=Poll.Voters.SCHOOLS, secret=True,
    )  # fmt: skip
    sign_in(page, server, "head@osha.example", factories.PASSWORD)
    page.goto(server.url + "/networks/osha/polls/")
    check_page(page, "poll-list")
    page.get_by_role("link", name="Join the county's new partnership?").click()
    expect(page.get_by_text("Your vote counts for Cherwell Valley School")).to_be_visible()
    expect(page.get_by_text("This is a secret ballot.")).to_be_visible()
    check_page(page, "poll-vote")

    # A block needs its reason.
    page.get_by_role("group", name="Your position").get_by_label("Block").check()
    page.get_by_role("button", name="Vote for Cherwell Valley School").click()
    expect(page.get_by_text("Give your reason for blocking the proposal.")).to_be_visible()
    check_page(page, "poll-vote-errors")
    assert not VoteRecord.objects.exists()

    page.get_by_role("group", name="Your position").get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Vote for Cherwell Valley School").click()
    expect(page.get_by_text("Your school's vote is counted.")).to_be_visible()
    expect(page.get_by_text("Cherwell Valley School has voted.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Vote"))).to_have_count(0)
    check_page(page, "poll-voted")
    record = VoteRecord.objects.get(poll=poll)
    assert record.school.name == "Cherwell Valley School"
    ballot = Ballot.objects.get(poll=poll)
    assert (ballot.person, ballot.school, ballot.position) == (None, None, "agree")
    sign_out(page)


def test_a_head_ranks_candidates_answers_for_meeting_times_and_changes_a_vote(
    page, server, association
):
    ranked = factories.make_poll(
        network=association, kind="ranked", title="Chair for next year",
        options=["Ann Archer", "Ben Brook", "Cat Cole"],
    )  # fmt: skip
    meeting = factories.make_poll(network=association, kind="meeting_time", title="Next meeting")
    sign_in(page, server, "head@osha.example", factories.PASSWORD)

    page.goto(server.url + f"/networks/osha/polls/{ranked.pk}/")
    expect(page.get_by_text("This is a secret ballot.")).to_have_count(0)
    page.get_by_label("Ben Brook").select_option("1")
    page.get_by_label("Ann Archer").select_option("1")
    page.get_by_role("button", name="Vote", exact=True).click()
    expect(page.get_by_text("Give each rank once")).to_be_visible()
    check_page(page, "poll-ranked-errors")
    page.get_by_label("Ann Archer").select_option("2")
    page.get_by_role("button", name="Vote", exact=True).click()
    expect(page.get_by_text("Your vote is counted. You can change it")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="1. Ben Brook")).to_be_visible()
    check_page(page, "poll-ranked-voted")
    # Changed: Cat first, and nobody else.
    page.get_by_label("Cat Cole").select_option("1")
    page.get_by_label("Ben Brook").select_option("")
    page.get_by_label("Ann Archer").select_option("")
    page.get_by_role("button", name="Change my vote").click()
    expect(page.get_by_role("listitem").filter(has_text="1. Cat Cole")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Ben Brook")).to_have_count(1)  # options
    assert Ballot.objects.get(poll=ranked).choices.get().option.label == "Cat Cole"

    page.goto(server.url + f"/networks/osha/polls/{meeting.pk}/")
    check_page(page, "poll-meeting-time")
    for number, answer in enumerate(["Yes", "If need be", "No"], start=1):
        page.get_by_role("group", name=f"Slot {number}").get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Vote", exact=True).click()
    expect(page.get_by_role("listitem").filter(has_text="Slot 2: if need be")).to_be_visible()
    assert VoteRecord.objects.filter(poll=meeting).count() == 1
