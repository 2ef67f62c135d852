"""Who came, in a real browser with and without JavaScript: a coordinator keeps a
meeting's register on a phone, and a head checks in with the meeting's code while it is
on (docs/rules.md, "Who came to a meeting"; issue 24)."""

import re

import pytest
from playwright.sync_api import expect

from attendance import services
from attendance.models import Attendance, CheckInCode
from members.models import School
from networks.models import Membership
from tests import factories
from tests.e2e.conftest import VIEWPORTS, check_page
from tests.e2e.test_networks import sign_in, sign_out

COORDINATOR = "coordinator@oldham.example"
HEAD = "head@oldham.example"


@pytest.fixture
def meeting_on_now(server):
    network = factories.make_network(name="Oldham Schools Alliance", slug="oldham")
    coordinator = factories.make_head(email=COORDINATOR, first_name="Cara", last_name="Coord")
    factories.make_membership(person=coordinator, network=network, role=Membership.Role.COORDINATOR)
    meeting = factories.make_meeting_now(network=network, title="Spring heads' meeting")
    for first, last in [("Ann", "Archer"), ("Bob", "Baker"), ("Cleo", "Carter")]:
        person = factories.make_head(
            school=factories.make_school(name=f"{last} Primary", sector=School.Sector.PRIMARY),
            first_name=first, last_name=last,
        )  # fmt: skip
        factories.make_membership(person=person, network=network)
        factories.make_registration(meeting=meeting, person=person)
    walker = factories.make_head(first_name="Wendy", last_name="Walker")
    factories.make_membership(person=walker, network=network)
    head = factories.make_head(email=HEAD, first_name="Hana", last_name="Head")
    factories.make_membership(person=head, network=network)
    return server, meeting


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_coordinator_marks_the_register_on_a_phone(page, meeting_on_now):
    server, meeting = meeting_on_now
    page.set_viewport_size(VIEWPORTS["phone"])
    sign_in(page, server, COORDINATOR, password=factories.PASSWORD)

    page.goto(server.url + meeting.get_absolute_url())
    page.get_by_role("link", name="Register: who came").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register: Spring heads' meeting")
    expect(page.locator("#register-counts")).to_contain_text("0 came")
    check_page(page, "attendance-register")
    assert _fits_the_screen(page)

    # One tap each.
    page.get_by_role("button", name=re.compile(r"Came\W+Ann Archer")).click()
    expect(page.get_by_text("Ann Archer: came.")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"Came\W+Cleo Carter")).click()
    expect(page.get_by_text("Cleo Carter: came.")).to_be_visible()
    expect(page.locator("#register-counts")).to_contain_text("2 came")
    expect(page.locator("#register-counts")).to_contain_text("2 of 3 with a place")
    # A wrong tap, undone.
    page.get_by_role("button", name=re.compile(r"Not here\W+Cleo Carter")).click()
    expect(page.get_by_text("Cleo Carter: not here.")).to_be_visible()
    expect(page.locator("#register-counts")).to_contain_text("1 came")

    # A walk-in, found by name among the network's members.
    page.get_by_label("Their name").fill("wendy")
    page.get_by_role("button", name="Find").click()
    check_page(page, "attendance-register-search")
    page.get_by_role("button", name=re.compile(r"Add\W+Wendy Walker")).click()
    expect(page.get_by_text("Wendy Walker is on the register as a walk-in.")).to_be_visible()
    expect(page.get_by_role("heading", name="Came without a place (1)")).to_be_visible()
    check_page(page, "attendance-register-marked")
    assert _fits_the_screen(page)

    # The code to show at the door.
    page.get_by_role("link", name="Show the check-in code").click()
    code = CheckInCode.objects.get(meeting=meeting).code
    expect(page.get_by_text(code, exact=True)).to_be_visible()
    expect(page.locator("svg.check-in-qr")).to_be_visible()
    check_page(page, "attendance-code")

    assert sorted(Attendance.objects.values_list("person__last_name", "how")) == [
        ("Archer", "marked"),
        ("Walker", "walk_in"),
    ]


def test_a_head_checks_in_with_the_code_during_the_meeting(page, meeting_on_now):
    server, meeting = meeting_on_now
    code = services.code_for(meeting).code
    sign_in(page, server, HEAD, password=factories.PASSWORD)

    # A code mistyped: said so, nothing recorded.
    page.goto(server.url + "/check-in/")
    check_page(page, "check-in")
    page.get_by_label("The meeting's code").fill("ZZZZZZ")
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("No meeting has this code.")).to_be_visible()
    check_page(page, "check-in-error")
    assert not Attendance.objects.exists()

    # The QR code's link fills the code in; the head only confirms.
    page.goto(f"{server.url}/check-in/?code={code}")
    expect(page.get_by_label("The meeting's code")).to_have_value(code)
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("You are on the register of Spring heads' meeting.")).to_be_visible()
    expect(page.get_by_text("You were recorded as attending.")).to_be_visible()
    check_page(page, "check-in-done")
    assert Attendance.objects.get().how == "code"
    sign_out(page)


def test_a_head_says_im_here_on_the_meeting_page(page, meeting_on_now):
    server, meeting = meeting_on_now
    code = services.code_for(meeting).code
    page.set_viewport_size(VIEWPORTS["phone"])
    sign_in(page, server, HEAD, password=factories.PASSWORD)
    page.goto(server.url + meeting.get_absolute_url())
    check_page(page, "meeting-im-here")
    page.get_by_label(re.compile("I'm here")).fill(code.lower())
    page.get_by_role("button", name="I'm here").click()
    expect(page.get_by_text("You were recorded as attending.")).to_be_visible()
