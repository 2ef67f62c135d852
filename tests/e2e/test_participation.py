"""The Oldham Schools Alliance's administrator reads its participation per school, at a
desk and on a phone, with and without JavaScript (docs/rules.md, "Participation per
school"): in from the office's navigation, the schools not seen this year first, the
wide grid scrolling inside its own focusable region on a phone, and the CSV."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from networks.models import Membership, Network
from tests import factories
from tests.e2e.conftest import VIEWPORTS, check_page
from tests.e2e.test_networks import sign_in
from tests.factories import PASSWORD

ADMINISTRATOR = "administrator@oldham-alliance.example"
SCHOOLS = ["Ashcroft Primary", "Birchen Primary", "Coppice Primary", "Dingle Primary"]


@pytest.fixture
def alliance(server):
    """The alliance built small: four member schools, six meetings held in the last days
    (the first two schools came to some, the others to none), one still to come."""
    oldham = factories.make_la(code="353", name="Oldham")
    network = factories.make_network(
        name="Oldham Schools Alliance",
        slug="oldham-schools-alliance",
        areas=[oldham],
        basis=Network.Basis.SCHOOL,
        join_policy=Network.JoinPolicy.AUTOMATIC,
    )
    administrator = factories.make_user(
        email=ADMINISTRATOR, first_name="Aisha", last_name="Administrator"
    )
    factories.make_membership(
        person=administrator, network=network, role=Membership.Role.ADMINISTRATOR
    )
    heads = []
    for name in SCHOOLS:
        school = factories.make_school(name=name, la=oldham)
        head = factories.make_head(school=school)
        factories.make_membership(person=head, network=network, school=school)
        heads.append(head)
    now = timezone.now().replace(microsecond=0, second=0, minute=0)
    for days in range(6, 0, -1):
        meeting = factories.make_meeting(
            network=network,
            title=f"Partnership meeting {7 - days}: school-to-school support",
            starts_at=now - datetime.timedelta(days=days),
        )
        factories.make_attendance(meeting=meeting, person=heads[0])
        if days % 2:
            factories.make_attendance(meeting=meeting, person=heads[1])
    factories.make_meeting(network=network, title="Still to come")
    return network


def test_the_administrator_reads_which_schools_came(page, server, alliance):
    sign_in(page, server, ADMINISTRATOR, PASSWORD)

    page.goto(f"{server.url}/networks/oldham-schools-alliance/office/")
    page.get_by_role("navigation", name="Network office").get_by_role(
        "link", name="Participation"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Participation per school")
    expect(page.get_by_text("2 schools not seen this year")).to_be_visible()
    table = page.get_by_role("table", name=re.compile("Member schools and the meetings"))
    expect(table).to_be_visible()
    headers = table.get_by_role("rowheader")
    # The two schools not seen first (by name), then Birchen (3), then Ashcroft (6).
    expect(headers.nth(0)).to_contain_text("Coppice Primary")
    expect(headers.nth(1)).to_contain_text("Dingle Primary")
    expect(headers.nth(2)).to_contain_text("Birchen Primary")
    expect(headers.nth(3)).to_contain_text("Ashcroft Primary")
    expect(table.get_by_role("columnheader")).to_have_count(8)  # school, six, total
    expect(table).not_to_contain_text("Still to come")
    check_page(page, "participation")

    region = page.get_by_role("region", name=re.compile("Member schools and the meetings"))
    if page.javascript:
        # On a phone the page keeps its width and the grid scrolls inside its region,
        # which the keyboard can reach to scroll it.
        page.set_viewport_size(VIEWPORTS["phone"])
        assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
        assert region.evaluate("element => element.scrollWidth > element.clientWidth")
        region.focus()
        expect(region).to_be_focused()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        # Scrolling by key may be smooth: wait for it rather than read it at once.
        page.wait_for_function("element => element.scrollLeft > 0", arg=region.element_handle())
        page.set_viewport_size(VIEWPORTS["desktop"])
    else:
        assert region.get_attribute("tabindex") == "0"

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download this as CSV")).click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [row[0] for row in rows[1:]] == [
        "Coppice Primary", "Dingle Primary", "Birchen Primary", "Ashcroft Primary",
        "Member schools present",
    ]  # fmt: skip
    assert rows[3][-1] == "3" and rows[4][-1] == "6"
