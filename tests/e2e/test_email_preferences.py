"""Choosing what my networks email me, and starting bulk mail again after it stopped, as a
member would in a browser (with JavaScript on and off, axe at both widths)."""

from playwright.sync_api import expect

from members import suppression
from networks import services
from networks.models import EmailPreference
from tests import factories
from tests.e2e.conftest import check_page
from tests.e2e.test_networks import sign_in
from tests.factories import PASSWORD


def test_a_member_chooses_a_digest_and_starts_announcements_again(page, server):
    person = factories.make_head(email="bounced.head@school.example", first_name="Bo")
    oxford = factories.make_network(name="Oxfordshire Primary Heads")
    banbury = factories.make_network(name="Banbury Heads")
    for network in (oxford, banbury):
        factories.make_membership(person=person, network=network)
    for _ in range(suppression.SUPPRESS_AFTER_HARD_BOUNCES):
        suppression.record_hard_bounce(person.email)

    sign_in(page, server, person.email, PASSWORD)
    page.goto(server.url + "/me/")
    banner = page.get_by_role("region", name="Your networks' announcements have stopped")
    expect(banner).to_contain_text("Messages to bounced.head@school.example bounced")
    page.get_by_role("link", name="Choose which announcements your networks email you").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Email from your networks")
    check_page(page, "email-preferences")
    group = page.get_by_role("group", name="Banbury Heads")
    expect(group.get_by_label("Every announcement, as it is sent")).to_be_checked()
    group.get_by_label("A weekly digest (urgent ones at once)").check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Your email choices have been saved.")).to_be_visible()
    expect(
        page.get_by_role("group", name="Banbury Heads").get_by_label("A weekly digest", exact=False)
    ).to_be_checked()
    assert services.preference_of(person, banbury) == EmailPreference.Choice.DIGEST
    assert services.preference_of(person, oxford) == EmailPreference.Choice.EVERY

    page.get_by_role("button", name="My mailbox works again").click()

    expect(page.get_by_text("Announcements and digests will be sent to")).to_be_visible()
    expect(page.get_by_role("button", name="My mailbox works again")).to_have_count(0)
    assert suppression.suppression_of(person.email) is None
