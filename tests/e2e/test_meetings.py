"""Journeys 3 and 4 of docs/product.md ("Journeys") in a real browser, with and without
JavaScript."""

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from core.dates import academic_year_of
from devdata.meetings import seed_meetings
from meetings import services as meeting_services
from meetings.models import Meeting, MeetingSeries, Registration
from members.models import School, User
from networks.models import Network
from tests import factories
from tests.e2e.conftest import VIEWPORTS, check_page, seed_demo
from tests.e2e.test_networks import DEMO_PASSWORD, sign_in


@pytest.fixture
def demo(server):
    seed_demo(DEMO_PASSWORD)
    networks = {network.slug: network for network in Network.objects.all()}
    accounts = {user.email: user for user in User.objects.filter(email__endswith="@example.org")}
    seed_meetings(networks, accounts, log=lambda message: None)
    mail.outbox.clear()
    return server


def test_coordinator_creates_a_half_termly_series_at_rotating_schools_and_publishes_it(page, demo):
    sign_in(page, demo, "coordinator@example.org")
    page.goto(demo.url + "/networks/osshta/meetings/")
    check_page(page, "network-schedule-coordinator")
    # Issue 21: where coordinators look, the network's page offers both.
    page.goto(demo.url + "/networks/osshta/")
    expect(page.get_by_role("link", name="Plan a meeting", exact=True)).to_be_visible()
    page.get_by_role("link", name="Plan a series").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan a series")
    # First how often, alone: then only what that rhythm needs (no JavaScript needed).
    expect(page.get_by_label("First date")).to_have_count(0)
    check_page(page, "series-rule")
    page.get_by_label("Once each half term").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_label("Which week of each half term")).to_be_visible()
    for needless in ("Every how many weeks", "Times a year", "Skip school holidays", "Workhub"):
        expect(page.get_by_label(needless)).to_have_count(0)
    check_page(page, "series-form")

    page.get_by_role("button", name="Create the drafts").click()
    expect(page.get_by_role("alert").first).to_contain_text("Please correct the errors")
    check_page(page, "series-form-errors")

    # Early in next school year, so the six half terms all lie ahead.
    page.get_by_label("First date").fill(f"{academic_year_of() + 1}-09-07")
    page.get_by_label("Start time").fill("09:30")
    page.get_by_label("End time").fill("12:00")
    page.get_by_label("Which week of each half term").select_option(label="Week 3")
    venues = page.get_by_role("group", name=re.compile("Rotate the venue"))
    checkboxes = venues.get_by_role("checkbox")
    for index in range(min(3, checkboxes.count())):
        checkboxes.nth(index).check()
    page.get_by_label("Title").fill("OSSHTA rotating meeting")
    page.get_by_label("Kind").select_option(label="Network meeting")
    page.get_by_label("Format").select_option(label="In person")
    page.get_by_role("button", name="Create the drafts").click()

    expect(page.get_by_text("6 meetings saved as drafts")).to_be_visible()
    check_page(page, "meeting-draft")
    page.get_by_role("button", name="Publish the series").click()
    expect(page.get_by_text("6 meetings published")).to_be_visible()
    meetings = Meeting.objects.filter(title="OSSHTA rotating meeting")
    assert {meeting.state for meeting in meetings} == {"published"}
    assert len({meeting.venue_school_id for meeting in meetings}) > 1
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == len(set(recipients)) > 1  # one email per member


def test_head_registers_sees_it_in_my_schedule_and_downloads_the_ics(page, demo):
    network = Network.objects.get(slug="oxfordshire-primary-heads")
    meeting = factories.make_meeting(
        network=network, title="Primary heads: reading and writing", capacity=20
    )
    sign_in(page, demo, "primary.head@example.org")
    page.goto(demo.url + "/meetings/")
    check_page(page, "meetings-list")
    page.get_by_role("link", name="See them month by month").click()
    check_page(page, "meetings-month")
    page.goto(demo.url + meeting.get_absolute_url())
    check_page(page, "meeting-detail")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You have a place")).to_have_count(2)

    page.goto(demo.url + "/me/calendar/")
    expect(page.get_by_role("link", name="Primary heads: reading and writing")).to_be_visible()
    check_page(page, "my-schedule")

    page.get_by_role("link", name="Primary heads: reading and writing").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    calendar = Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == f"{network.label}: Primary heads: reading and writing"


def test_a_full_meeting_puts_the_next_head_on_the_waiting_list(page, demo):
    full = Meeting.objects.get(capacity=3)
    # A school of the register the demo loaded (a made-up URN could clash with it).
    school = School.objects.filter(local_authority__code="931", posts__isnull=True).first()
    head = factories.make_head(email="late.head@school.example", school=school)
    network = full.network
    factories.make_membership(person=head, network=network)

    sign_in(page, demo, "late.head@school.example", password=factories.PASSWORD)
    page.goto(demo.url + full.get_absolute_url())
    expect(page.get_by_text("This meeting is full.")).to_be_visible()
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.get_by_text("you are on the waiting list", exact=False).first).to_be_visible()
    check_page(page, "meeting-waiting-list")
    assert full.registrations.get(person=head).is_waiting


def test_the_other_coordinator_pages_pass_the_accessibility_checks(page, demo):
    conference = Meeting.objects.get(title="OSSHTA annual conference")
    sign_in(page, demo, "coordinator@example.org")
    for name, path in [
        ("meeting-edit", f"/meetings/{conference.pk}/edit/"),
        ("meeting-attendees", f"/meetings/{conference.pk}/attendees/"),
        ("meeting-cancel", f"/meetings/{conference.pk}/cancel/"),
        ("paper-upload", f"/meetings/{conference.pk}/papers/new/"),
        ("meeting-create", "/networks/osshta/meetings/new/"),
        ("urgent-meeting", "/networks/osshta/meetings/urgent/"),
        ("network-with-meetings", "/networks/osshta/"),
    ]:
        page.goto(demo.url + path)
        check_page(page, name)
    page.goto(demo.url + f"/meetings/{conference.pk}/cancel/")
    page.get_by_role("button", name="Cancel the meeting").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    check_page(page, "meeting-cancel-errors")


def test_coordinator_discards_a_draft_series_and_its_members_never_see_it(page, demo):
    network = Network.objects.get(slug="osshta")
    first = factories.make_meeting(network=network, title="Draft to throw away", state="draft")
    second = factories.make_meeting(network=network, title="Draft to throw away", state="draft")
    series = MeetingSeries.objects.create(network=network, rule="weekly")
    Meeting.objects.filter(pk__in=[first.pk, second.pk]).update(series=series)
    sign_in(page, demo, "coordinator@example.org")
    page.goto(demo.url + first.get_absolute_url())
    expect(page.get_by_role("link", name="Cancel this meeting")).to_have_count(0)
    page.get_by_role("link", name="Discard this draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Discard the draft")
    check_page(page, "meeting-discard")

    page.get_by_role("button", name="Discard all 2 drafts of the series").click()

    expect(page.get_by_text("2 drafts discarded.")).to_be_visible()
    assert not Meeting.objects.filter(title="Draft to throw away").exists()


# Issue 21: what ten journeys found (items 1, 5, 8 and 9; item 7 is in the series journey).

MEETS = re.compile(r" meets .*; next on ")


def test_a_visitor_learns_that_networks_meet_and_a_head_s_home_leads_with_their_meetings(
    page, demo
):
    """Item 1: the demo's meetings are all for members or signed-in people; no page tells
    a visitor nothing happens, and none names what they may not see."""
    page.goto(demo.url + "/")
    expect(page.get_by_text(MEETS).first).to_be_visible()
    expect(page.get_by_text("No meetings are planned yet")).to_have_count(0)
    check_page(page, "home-visitor-meets")
    page.goto(demo.url + "/networks/osshta/")
    section = page.locator("section", has=page.get_by_role("heading", name="Next meetings"))
    expect(section.get_by_text(MEETS)).to_be_visible()
    expect(section.get_by_text("OSSHTA morning meeting")).to_have_count(0)
    check_page(page, "network-visitor-meets")
    page.goto(demo.url + "/networks/osshta/meetings/")
    expect(page.get_by_text(MEETS)).to_be_visible()
    expect(page.get_by_text("No meetings are planned yet")).to_have_count(0)

    sign_in(page, demo, "primary.head@example.org")
    page.goto(demo.url + "/")
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert headings.index("Your next meetings") < headings.index("Your networks")
    expect(page.get_by_role("heading", name="More meetings you can come to")).to_be_visible()
    check_page(page, "home-signed-in-meetings")


def test_a_coordinator_cancels_and_every_member_told_of_it_hears(page, demo):
    """Item 5."""
    network = Network.objects.get(slug="osshta")
    meeting = factories.make_meeting(network=network, title="OSSHTA extra meeting")
    members = set(network.memberships.active().values_list("person__email", flat=True))
    registered = User.objects.get(email="coordinator@example.org")
    factories.make_registration(meeting=meeting, person=registered)
    sign_in(page, demo, "coordinator@example.org")
    page.goto(demo.url + meeting.get_absolute_url())
    page.get_by_role("link", name="Cancel this meeting").click()
    page.get_by_label("Why is it cancelled?").fill("The venue is closed")
    page.get_by_role("button", name="Cancel the meeting").click()
    expect(page.get_by_text("This meeting has been cancelled.")).to_be_visible()
    expect(page.get_by_text("You have a place")).to_have_count(0)
    expect(page.get_by_role("link", name="Cancel this meeting")).to_have_count(0)
    check_page(page, "meeting-cancelled")
    told = {message.to[0] for message in mail.outbox if "Cancelled:" in message.subject}
    assert told == members and len(told) > 1


def test_a_workhub_lead_plans_a_meeting_from_the_workhub_page(page, demo):
    """Item 8 (meetings side): the workhub's page lists its meetings; its lead plans one."""
    alliance = Network.objects.get(slug="oldham-schools-alliance")
    send = alliance.workhubs.get(name="SEND", academic_year=academic_year_of())
    sign_in(page, demo, "oldham.head@example.org")
    page.goto(demo.url + send.get_absolute_url())
    expect(page.get_by_role("heading", name="Next meetings")).to_be_visible()
    expect(page.get_by_text("SEND workhub meeting").first).to_be_visible()
    check_page(page, "workhub-meetings-lead")
    page.get_by_role("link", name="Plan a meeting for this workhub").click()
    check_page(page, "workhub-meeting-form")
    day = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    page.get_by_label("Title").fill("SEND: sharing EHCP practice")
    page.get_by_label("Starts (UK time)").fill(f"{day}T15:30")
    page.get_by_label("Ends (UK time)").fill(f"{day}T17:00")
    page.get_by_label("Or venue address").fill("Oldham Civic Centre")
    page.get_by_role("button", name="Publish the meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SEND: sharing EHCP practice")
    assert Meeting.objects.get(title="SEND: sharing EHCP practice").workhub == send
    other = alliance.workhubs.filter(academic_year=academic_year_of()).exclude(pk=send.pk).first()
    page.goto(demo.url + "/me/")
    expect(page.get_by_text("SEND workhub meeting").first).to_be_visible()
    expect(page.get_by_text(f"{other.name} workhub meeting")).to_have_count(0)  # not theirs


def test_a_head_registers_for_a_briefing_is_confirmed_and_moves_session(page, demo):
    """Item 9: confirmation with the .ics; one place per briefing; who it is for; the
    feed's subscribe link and copy button; the attendee list on a phone; papers."""
    # The spring briefing's first two places (the autumn one may have taken place).
    oxford, didcot = Meeting.objects.filter(title__startswith="Spring briefing").order_by("pk")[:2]
    sign_in(page, demo, "primary.head@example.org")
    page.goto(demo.url + oxford.get_absolute_url())
    expect(page.get_by_text("signed in to Headnet")).to_be_visible()
    expect(page.get_by_text("Any signed-in head")).to_have_count(0)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("emailed you a confirmation")).to_be_visible()
    [confirmation] = [
        m
        for m in mail.outbox
        if m.subject.endswith(oxford.title + ", " + f"{oxford.local_start:%-d %B}")
    ]
    assert confirmation.attachments[0][0].endswith(".ics")

    page.goto(demo.url + didcot.get_absolute_url())
    page.get_by_role("button", name="Move my place here").click()
    expect(page.get_by_text("You have a place.")).to_be_visible()
    check_page(page, "briefing-moved")
    live = Registration.objects.live().filter(
        person__email="primary.head@example.org", meeting__series=oxford.series_id
    )
    assert [registration.meeting_id for registration in live] == [didcot.pk]

    page.goto(demo.url + "/me/calendar/")
    expect(page.get_by_role("link", name="Subscribe in my calendar app")).to_have_attribute(
        "href", re.compile(r"^webcal://")
    )
    # Checked before the click: a button mid-way through its hover colours fails axe.
    check_page(page, "my-schedule-feed")
    copy = page.get_by_role("button", name="Copy the address")
    if page.javascript:
        copy.click()
        expect(page.get_by_role("status").filter(has_text=re.compile("Cop"))).to_be_visible()
    else:
        expect(copy).to_be_hidden()


def test_a_coordinator_reads_who_is_coming_on_a_phone_and_changes_a_paper(page, demo):
    conference = Meeting.objects.get(title="OSSHTA annual conference")
    paper = conference.papers.first() or meeting_services.add_paper(
        meeting=conference, by=None, title="Programme", kind="agenda",
        upload=SimpleUploadedFile("programme.pdf", b"%PDF-1.4 programme"),
    )  # fmt: skip
    sign_in(page, demo, "coordinator@example.org")
    page.goto(demo.url + f"/meetings/{conference.pk}/attendees/")
    page.set_viewport_size(VIEWPORTS["phone"])
    expect(page.locator("table").first).to_be_hidden()
    expect(page.get_by_role("heading", name=re.compile(r"^Going \("))).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS["phone"]["width"]
    page.set_viewport_size(VIEWPORTS["desktop"])
    expect(page.locator("caption").first).to_have_text(re.compile(r"^Going \("))
    check_page(page, "attendees-responsive")

    page.goto(demo.url + conference.get_absolute_url())
    page.get_by_role("link", name=f"Replace {paper.title}").click()
    check_page(page, "paper-replace")
    page.get_by_label("File").set_input_files(
        files=[{"name": "programme-v2.pdf", "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4 programme v2"}]
    )  # fmt: skip
    page.get_by_role("button", name="Replace the file").click()
    expect(page.get_by_text("new file saved")).to_be_visible()
    page.get_by_role("link", name=f"Remove {paper.title}").click()
    check_page(page, "paper-remove")
    page.get_by_role("button", name="Remove the paper").click()
    expect(page.get_by_text(f"{paper.title} removed.")).to_be_visible()
