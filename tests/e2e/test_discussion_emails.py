"""Choosing a network's discussion emails, and the unsubscribe link of a discussion email,
as a member would in a browser (with JavaScript on and off, axe at both widths)."""

from playwright.sync_api import expect

from discussions import tokens
from discussions.models import DiscussionPreference
from tests import factories
from tests.e2e.conftest import check_page
from tests.e2e.test_networks import sign_in
from tests.factories import PASSWORD

Choice = DiscussionPreference.Choice


def test_a_member_chooses_the_digest_for_discussions_then_unsubscribes(page, server):
    person = factories.make_head(email="discussing.head@school.example", first_name="Di")
    network = factories.make_network(name="Banbury Heads")
    factories.make_membership(person=person, network=network)

    sign_in(page, server, person.email, PASSWORD)
    page.goto(server.url + "/me/email/")
    check_page(page, "email-preferences-discussions")
    discussions = page.get_by_role("group", name="Discussions")
    expect(discussions.get_by_label("Every new thread")).to_be_checked()
    discussions.get_by_label("In the weekly digest").check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Your email choices have been saved.")).to_be_visible()
    expect(
        page.get_by_role("group", name="Discussions").get_by_label("In the weekly digest")
    ).to_be_checked()
    assert DiscussionPreference.objects.get(person=person).choice == Choice.DIGEST

    token = tokens.unsubscribe_token(person.pk, network.pk)
    page.goto(f"{server.url}/email/discussions/unsubscribe/{token}/")
    check_page(page, "discussions-unsubscribe")
    page.get_by_role("button", name="Stop discussion emails from Banbury Heads").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Discussion emails from Banbury Heads stopped"
    )
    check_page(page, "discussions-unsubscribed")
    assert DiscussionPreference.objects.get(person=person).choice == Choice.NONE

    page.goto(f"{server.url}/email/discussions/unsubscribe/not-a-token/")
    check_page(page, "discussions-unsubscribe-invalid")
