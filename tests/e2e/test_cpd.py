"""Attendance and CPD in a real browser, with and without JavaScript: a head who came to a
meeting downloads its certificate and their CPD record; a head missing from a register
says they were there, and the coordinator confirms it."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from attendance.models import Attendance, Correction
from networks.models import Membership
from tests import factories
from tests.e2e.conftest import check_page
from tests.e2e.test_networks import sign_in, sign_out


@pytest.fixture
def scene(server):
    network = factories.make_network(name="Oxfordshire Primary Heads", slug="oxon-primary")
    head = factories.make_head(email="ann.head@school.example", first_name="Ann", last_name="Head")
    factories.make_membership(person=head, network=network)
    coordinator = factories.make_head(
        email="coordinator@school.example", first_name="Cora", last_name="Ordinator"
    )
    factories.make_membership(person=coordinator, network=network, role=Membership.Role.COORDINATOR)
    meeting = factories.make_past_meeting(
        network=network, title="Leading through inspection", minutes=150
    )
    mail.outbox.clear()
    return {"network": network, "head": head, "coordinator": coordinator, "meeting": meeting}


def _sign_in(page, server, person):
    sign_in(page, server, person.email, password=factories.PASSWORD)


def test_a_head_downloads_their_certificate_and_cpd_record(page, server, scene):
    head, meeting = scene["head"], scene["meeting"]
    factories.make_attendance(meeting=meeting, person=head)
    _sign_in(page, server, head)

    page.goto(server.url + meeting.get_absolute_url())
    expect(page.get_by_role("heading", name="Your attendance")).to_be_visible()
    check_page(page, "meeting-attended")
    with page.expect_download() as certificate:
        page.get_by_role("link", name="Download your certificate of attendance").click()
    assert certificate.value.suggested_filename.startswith("certificate-of-attendance-")
    with open(certificate.value.path(), "rb") as made:
        assert made.read(5) == b"%PDF-"

    page.goto(server.url + "/me/")
    page.get_by_role("link", name=re.compile("Your CPD record")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your CPD record")
    expect(page.get_by_text("1 meeting, 2.5 hours in all.")).to_be_visible()
    expect(page.get_by_role("cell", name="Leading through inspection", exact=True)).to_be_visible()
    check_page(page, "cpd-record")
    with page.expect_download() as spreadsheet:
        page.get_by_role("link", name="Download as CSV (spreadsheet)").click()
    with open(spreadsheet.value.path(), encoding="utf-8-sig") as rows:
        text = rows.read()
    assert "Leading through inspection" in text
    assert "2.5" in text


def test_a_head_missing_from_the_register_asks_and_the_coordinator_confirms(page, server, scene):
    head, coordinator, meeting = scene["head"], scene["coordinator"], scene["meeting"]
    _sign_in(page, server, head)
    page.goto(server.url + meeting.get_absolute_url())
    page.get_by_role("link", name="Not on the register? Tell the coordinator").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell the coordinator you were there")
    check_page(page, "correction-ask")
    page.get_by_role("button", name="I was there").click()
    expect(page.get_by_role("alert").first).to_contain_text("Please correct the errors")
    check_page(page, "correction-ask-errors")
    page.get_by_label("A short note for the coordinator").fill("I sat at the back.")
    page.get_by_role("button", name="I was there").click()
    expect(page.get_by_text("will check the register")).to_be_visible()
    expect(page.get_by_text("You told the coordinator you were here")).to_be_visible()
    sign_out(page)

    _sign_in(page, server, coordinator)
    page.goto(server.url + f"/networks/{scene['network'].slug}/office/")
    page.get_by_role("link", name=re.compile("Confirm or decline")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Corrections to registers")
    expect(page.get_by_text("I sat at the back.")).to_be_visible()
    check_page(page, "corrections")
    page.get_by_role("button", name="Confirm Ann Head was there").click()
    expect(page.get_by_text("Confirmed: they are on the register")).to_be_visible()
    expect(page.get_by_text("None are waiting.")).to_be_visible()
    check_page(page, "corrections-decided")

    assert Correction.objects.get().state == Correction.State.CONFIRMED
    assert Attendance.objects.get(person=head, meeting=meeting).how == "correction"
    assert [message.to for message in mail.outbox] == [[head.email]]
