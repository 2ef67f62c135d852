"""Journeys 7 and 8 of docs/product.md ("Journeys") on the demo data, with and without JavaScript:
a new head is paired with a mentor by a broker (or is proposed one unasked, or withdraws
a request, or answers a check-in); a head in crisis asks Heads Up's coaches and one takes
it. Nobody else sees either."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from members.models import User
from support import mentoring
from support.models import MentoringScheme, Pairing, SupportRequest
from tests.e2e.conftest import check_page, seed_demo
from tests.e2e.test_networks import DEMO_PASSWORD, sign_in, sign_out


@pytest.fixture
def demo(server):
    seed_demo(DEMO_PASSWORD)
    mail.outbox.clear()
    return server


def _status(page, url):
    return page.request.get(url).status


def _emailed(email: str, subject: str):
    """The one email sent to the address with the subject, and its link's path."""
    [message] = [m for m in mail.outbox if m.to == [email] and m.subject.endswith(subject)]
    [url] = re.findall(r"https?://\S+", message.body)
    return message, "/" + url.split("/", 3)[3]


def test_a_new_head_asks_for_a_mentor_and_a_broker_pairs_them(page, demo):
    """Issue 21, items 2 and 3: each email leads to the page where the work is, the mentor
    reads the note and the school, the states agree, and both hear that it started."""
    head = User.objects.with_posts().get(email="special.head@example.org")
    sign_in(page, demo, head.email)
    page.goto(demo.url + "/mentoring/")
    check_page(page, "mentoring-home")
    page.get_by_role("link", name="Ask for a mentor").click()
    check_page(page, "mentor-ask")
    page.get_by_label("Anything that would help the match").fill("Budget setting")
    page.get_by_role("button", name="Ask for a mentor").click()
    expect(page.get_by_text("Your request is with the scheme's brokers.")).to_be_visible()
    # Asked: the page says where the request stands instead of offering to ask again.
    expect(page.get_by_role("link", name="Ask for a mentor")).to_have_count(0)
    schemes = page.get_by_role("region", name="Schemes")
    expect(schemes).to_contain_text("Waiting for the scheme's brokers to propose a mentor")
    check_page(page, "mentoring-home-asked")
    sign_out(page)

    broker = "oxon.special.head1@example.org"
    message, link = _emailed(
        broker, "A new head in OASSH mentoring for new heads asks for a mentor"
    )
    assert "Grace" not in message.body and "Budget" not in message.body
    sign_in(page, demo, broker)
    page.goto(demo.url + "/me/")
    work = page.get_by_role("region", name="Waiting for you")
    expect(work).to_contain_text("1 request to match with a mentor")
    check_page(page, "me-broker")
    page.goto(demo.url + link)
    check_page(page, "broker-home")
    page.get_by_role("button", name=re.compile("Propose Ruth Ellery")).click()
    expect(page.get_by_text("Pairing proposed")).to_be_visible()
    check_page(page, "pairing-proposed")
    pairing = Pairing.objects.get(mentee=head)
    pairing_url = f"{demo.url}/mentoring/pairings/{pairing.pk}/"
    sign_out(page)

    # The mentor follows their email, reads the note and the school, and accepts.
    message, link = _emailed(
        "mentor@example.org", "You have been proposed as a mentor in OASSH mentoring for new heads"
    )
    assert demo.url + link == pairing_url and "Grace" not in message.body
    sign_in(page, demo, "mentor@example.org")
    page.goto(demo.url + link)
    expect(page.get_by_text("Budget setting")).to_be_visible()
    expect(page.get_by_text(head.current_school_name).first).to_be_visible()
    check_page(page, "pairing-proposed-mentor")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "You have accepted. Proposed: the mentor has accepted; waiting for the new head."
    )
    expect(page.get_by_text("waiting for both")).to_have_count(0)
    expect(page.get_by_role("button", name="Accept")).to_have_count(0)
    sign_out(page)

    # The new head finds the proposal waiting on /me/ and accepts: it has started.
    sign_in(page, demo, head.email)
    page.goto(demo.url + "/me/")
    work = page.get_by_role("region", name="Waiting for you")
    expect(work).to_contain_text("1 mentoring proposal to accept")
    check_page(page, "me-mentee-proposal")
    work.get_by_role("link", name=re.compile("mentored by Ruth Ellery")).click()
    expect(page.get_by_text("It waits for you to accept or decline.")).to_be_visible()
    mail.outbox.clear()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "You have both accepted: the pairing has started."
    )
    expect(page.get_by_text("once you both have")).to_have_count(0)
    expect(page.get_by_text("Under way: both have accepted").first).to_be_visible()
    check_page(page, "pairing-started")
    sign_out(page)
    pairing.refresh_from_db()
    assert pairing.state == "active"
    for email in ["mentor@example.org", head.email]:
        message, link = _emailed(email, "Your mentoring pairing has started")
        assert demo.url + link == pairing_url

    for email in ["coordinator@example.org", "staff@example.org", "oxon.special.head2@example.org"]:
        sign_in(page, demo, email)
        assert _status(page, pairing_url) == 404, email
        sign_out(page)


def test_a_head_in_crisis_asks_heads_up_and_one_coach_takes_it(page, demo):
    """Issue 21, items 2 and 4: the page signposts urgent help and says how soon a coach
    replies; the form chooses nothing for the head; the coach's email and /me/ lead to the
    queue; the head is told "A coach has taken your request"."""
    sign_in(page, demo, "primary.head@example.org")
    page.goto(demo.url + "/networks/heads-up/")
    page.get_by_role("link", name=re.compile("Confidential coaching")).click()
    urgent = page.get_by_role("complementary", name="If you need help today")
    for words in ["999", "116 123", "08000 562 561", "within two working days"]:
        expect(urgent).to_contain_text(words)
    expect(page.get_by_text("Select an option")).to_have_count(0)
    for label in ["Someone to talk to", "Phone call"]:
        expect(page.get_by_label(label)).not_to_be_checked()
    check_page(page, "support-ask")
    page.get_by_role("button", name="Send to the coaches").click()
    expect(page.get_by_role("alert").first).to_contain_text("Please correct the errors")
    page.get_by_role("group", name=re.compile("What kind of help")).get_by_label(
        "Someone to talk to"
    ).check()
    page.get_by_label("Phone call").check()
    page.get_by_label("When suits you").fill("After 6pm")
    page.get_by_role("button", name="Send to the coaches").click()
    expect(page.get_by_text("Your request is with the coaches.")).to_be_visible()
    expect(page.get_by_text("Waiting for a coach").first).to_be_visible()
    check_page(page, "support-request-requester")
    item = SupportRequest.objects.get(requester__email="primary.head@example.org")
    request_url = f"{demo.url}/networks/heads-up/support/{item.pk}/"
    assert all("After 6pm" not in message.body for message in mail.outbox)
    assert {message.subject for message in mail.outbox} == {
        "[Headnet] A request is waiting for a coach"
    }
    sign_out(page)

    sign_in(page, demo, "coach@example.org")
    page.goto(demo.url + "/me/")
    work = page.get_by_role("region", name="Waiting for you")
    # The demo's waiting request and this one.
    expect(work).to_contain_text("2 requests waiting in the pool; 0 requests you hold")
    check_page(page, "me-coach")
    work.get_by_role("link", name=re.compile("Open the coaches' queue")).click()
    check_page(page, "support-coach")
    page.goto(request_url)
    check_page(page, "support-request-coach")
    mail.outbox.clear()
    page.get_by_role("button", name="Take this request").click()
    expect(page.get_by_text("You have taken this request")).to_be_visible()
    sign_out(page)

    for email in ["essex.head4@example.org", "staff@example.org", "essex.head1@example.org"]:
        sign_in(page, demo, email)  # the other coach, site staff, another head
        assert _status(page, request_url) == 404, email
        sign_out(page)

    message, link = _emailed("primary.head@example.org", "A coach has taken your request")
    assert "heads-up" not in message.body and "Helen" not in message.body
    sign_in(page, demo, "primary.head@example.org")
    page.goto(demo.url + link)
    assert page.url == request_url
    expect(page.get_by_text("A coach has taken your request")).to_be_visible()
    check_page(page, "support-request-taken")
    # Opened twice: from the queue, and again on the page shown after taking it.
    expect(page.get_by_text(re.compile("Helen Marsh,"))).to_have_count(2)


def test_a_broker_proposes_a_mentor_to_a_new_head_who_had_not_asked_and_they_decline(page, demo):
    sign_in(page, demo, "oxon.special.head1@example.org")
    page.goto(demo.url + "/mentoring/oassh-mentoring/broker/")
    page.get_by_role("link", name=re.compile("New heads who have not asked")).click()
    check_page(page, "broker-new-heads")
    page.get_by_role("link", name=re.compile("Grace Okafor")).click()
    check_page(page, "broker-new-head")
    page.get_by_role("button", name=re.compile("Propose Ruth Ellery")).click()
    expect(page.get_by_text("Mentor proposed.")).to_be_visible()
    pairing = Pairing.objects.get(mentee__email="special.head@example.org")
    assert pairing.request_id is None
    [email] = [m for m in mail.outbox if m.to == ["special.head@example.org"]]
    assert email.subject.endswith("A mentor has been proposed for you")
    sign_out(page)

    sign_in(page, demo, "special.head@example.org")
    page.goto(demo.url + "/mentoring/")
    page.get_by_role("link", name=re.compile("Mentored by Ruth Ellery")).click()
    expect(page.get_by_text("you had not asked")).to_be_visible()
    check_page(page, "pairing-proposed-unasked")
    page.get_by_role("button", name="Decline").click()
    expect(page.get_by_text("Done.")).to_be_visible()
    pairing.refresh_from_db()
    assert pairing.state == "declined"
    sign_out(page)

    for email in ["coordinator@example.org", "staff@example.org", "mentor@example.org"]:
        sign_in(page, demo, email)
        assert _status(page, demo.url + "/mentoring/oassh-mentoring/broker/new-heads/") == 404
        sign_out(page)


def test_a_new_head_asks_and_then_withdraws_the_request(page, demo):
    sign_in(page, demo, "special.head@example.org")
    page.goto(demo.url + "/mentoring/oassh-mentoring/ask/")
    page.get_by_role("button", name="Ask for a mentor").click()
    expect(page.get_by_text("Your request is with the scheme's brokers.")).to_be_visible()
    page.get_by_role("button", name=re.compile("Withdraw your request")).click()
    expect(page.get_by_text("You have withdrawn your request")).to_be_visible()
    check_page(page, "mentoring-home-withdrawn")
    expect(page.get_by_role("button", name=re.compile("Withdraw"))).to_have_count(0)
    sign_out(page)

    sign_in(page, demo, "oxon.special.head1@example.org")
    page.goto(demo.url + "/mentoring/oassh-mentoring/broker/")
    expect(page.get_by_text("No request is waiting.")).to_be_visible()


def test_a_new_head_answers_a_check_in_and_the_broker_sees_it(page, demo):
    scheme = MentoringScheme.objects.get(slug="oassh-mentoring")
    people = User.objects.with_posts()
    head = people.get(email="special.head@example.org")
    request = mentoring.ask_for_mentor(scheme=scheme, mentee=head)
    offer = scheme.offers.get(mentor__email="mentor@example.org")
    broker = people.get(email="oxon.special.head1@example.org")
    pairing = mentoring.propose_pairing(request=request, offer=offer, broker=broker)
    for person in (offer.mentor, head):
        mentoring.accept_pairing(pairing=pairing, person=person)
    Pairing.objects.filter(pk=pairing.pk).update(
        started_at=timezone.now() - datetime.timedelta(days=100)
    )
    assert mentoring.send_check_ins() == 1

    sign_in(page, demo, "special.head@example.org")
    page.goto(demo.url + "/mentoring/")
    page.get_by_role("link", name="Answer the 3-month check-in").click()
    check_page(page, "check-in-reply")
    page.get_by_label("I would like the broker to get in touch").check()
    page.get_by_label("Anything to add").fill("We have not managed to meet")
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_text("The scheme's brokers can see your answer")).to_be_visible()
    check_page(page, "pairing-with-answer")
    sign_out(page)

    sign_in(page, demo, "mentor@example.org")
    page.goto(f"{demo.url}/mentoring/pairings/{pairing.pk}/")
    expect(page.get_by_text("We have not managed to meet")).to_have_count(0)
    assert _status(page, f"{demo.url}/mentoring/pairings/{pairing.pk}/check-ins/3/") == 200
    sign_out(page)

    sign_in(page, demo, "oxon.special.head1@example.org")
    page.goto(demo.url + "/mentoring/oassh-mentoring/broker/")
    touch = page.get_by_role("region", name="Asking you to get in touch")
    expect(touch).to_contain_text("We have not managed to meet")
    check_page(page, "broker-home-get-in-touch")
