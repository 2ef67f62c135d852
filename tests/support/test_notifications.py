"""Issue 21, item 2: every mentoring and coaching email says what waits (without who or
why) and links to the page where it is; /me/ leads with the person's mentoring and
coaching work, with counts; a head whose request a coach took is told so, in those words."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import User
from support import coaching, mentoring
from support.models import Broker, CheckIn, Coach, Pairing
from tests import factories
from tests.support.conftest import make_special_head

pytestmark = pytest.mark.django_db

# A request waiting for a mentor, as pages show it (escaped).
WAITING = "Waiting for the scheme&#x27;s brokers to propose a mentor"

NOTE = "Finance worries and a difficult governor"


def _with_posts(person):
    return User.objects.with_posts().get(pk=person.pk)


def _link(message) -> str:
    """The path of the one link in an email (emails carry the site's address first)."""
    [url] = re.findall(r"https?://\S+", message.body)
    return "/" + url.split("/", 3)[3]


def _to(person):
    return [message for message in mail.outbox if message.to == [person.email]]


def _ask_coaches(heads_up, requester):
    return coaching.ask_for_support(
        network=heads_up, requester=requester, help="treatment", contact_by="phone",
        contact_details="07700 900123", note="My chair undermines me",
    )  # fmt: skip


# Coaching ------------------------------------------------------------------------------


def test_each_coach_is_told_a_request_waits_and_the_link_opens_their_queue(
    client, heads_up, coach, other_coach, requester, staff
):
    item = _ask_coaches(heads_up, requester)

    queue = reverse("support:coach", args=[heads_up.slug])
    for person in (coach, other_coach):
        [message] = _to(person)
        assert message.subject == "[Headnet] A request is waiting for a coach"
        link = _link(message)
        assert link == reverse("support:link", args=[item.pk])
        assert "heads-up" not in link and "/me/" not in message.body
        client.force_login(person)
        assert client.get(link)["Location"] == queue
        page = client.get(queue).content.decode()
        assert reverse("support:request", args=[heads_up.slug, item.pk]) in page
    # The same link leads the requester to their request and nobody else anywhere.
    client.force_login(requester)
    assert client.get(link)["Location"] == reverse("support:request", args=[heads_up.slug, item.pk])
    for someone in (staff, factories.make_head()):
        client.force_login(someone)
        assert client.get(link).status_code == 404


def test_a_head_whose_request_a_coach_took_is_told_so_by_email_and_on_their_pages(
    client, heads_up, coach, requester
):
    item = _ask_coaches(heads_up, requester)
    client.force_login(requester)
    page = client.get(reverse("support:request", args=[heads_up.slug, item.pk])).content.decode()
    assert "Waiting for a coach" in page and "A coach has taken your request" not in page
    mail.outbox.clear()

    coaching.take_request(support_request=item, coach=coach)

    [message] = _to(requester)
    assert message.subject == "[Headnet] A coach has taken your request"
    assert "A coach has taken your request" in message.body
    for detail in ["Cora", "Coach Cora", "Heads Up", "heads-up", "treated", "chair", "07700"]:
        assert detail.lower() not in message.body.lower(), detail
    response = client.get(_link(message), follow=True)
    request_page = reverse("support:request", args=[heads_up.slug, item.pk])
    assert response.redirect_chain[-1][0] == request_page
    assert "A coach has taken your request" in response.content.decode()
    asking = client.get(reverse("support:ask", args=[heads_up.slug])).content.decode()
    assert "A coach has taken your request" in asking
    me = client.get(reverse("me")).content.decode()
    assert "A coach has taken your request" in me and request_page in me


def test_a_coach_s_me_counts_the_requests_waiting_in_the_pool_and_those_they_hold(
    client, heads_up, coach, other_coach, requester
):
    for _ in range(3):
        _ask_coaches(heads_up, requester)
    coaching.take_request(support_request=heads_up.support_requests.first(), coach=coach)
    client.force_login(coach)

    page = client.get(reverse("me")).content.decode()

    work = page.split('id="work-heading"')[1].split("</section>")[0]
    assert "2 requests waiting in the pool; 1 request you hold" in work
    assert reverse("support:coach", args=[heads_up.slug]) in work
    assert "Rhian" not in page and "undermines" not in page

    client.force_login(other_coach)
    work = client.get(reverse("me")).content.decode().split('id="work-heading"')[1]
    assert "2 requests waiting in the pool; 0 requests you hold" in work


# Mentoring ------------------------------------------------------------------------------


def test_the_brokers_are_told_a_new_head_in_the_scheme_asks_and_the_link_opens_their_page(
    client, scheme, broker, new_head
):
    client.force_login(new_head)
    client.post(reverse("support:mentor_ask", args=[scheme.slug]), {"note": NOTE})

    [message] = _to(broker)
    assert message.subject == "[Headnet] A new head in OASSH mentoring asks for a mentor"
    assert "A new head in OASSH mentoring asks for a mentor" in message.body
    for detail in ["Nia", "New,", new_head.email, "Finance", "governor"]:
        assert detail not in message.body, detail
    client.force_login(broker)
    page = client.get(_link(message)).content.decode()
    assert _link(message) == reverse("support:broker", args=[scheme.slug])
    assert "Nia New" in page and NOTE in page


def test_the_mentor_and_the_new_head_are_each_sent_the_proposal_s_page(
    client, scheme, broker, new_head, mentor
):
    request = mentoring.ask_for_mentor(scheme=scheme, mentee=_with_posts(new_head), note=NOTE)
    mail.outbox.clear()

    pairing = mentoring.propose_pairing(request=request, offer=scheme.offers.get(), broker=broker)

    pairing_url = reverse("support:pairing", args=[pairing.pk])
    [to_mentor] = _to(mentor)
    assert to_mentor.subject == "[Headnet] You have been proposed as a mentor in OASSH mentoring"
    [to_head] = _to(new_head)
    assert to_head.subject == "[Headnet] A mentor has been proposed for you"
    assert "As you asked" in to_head.body
    for message in (to_mentor, to_head):
        assert _link(message) == pairing_url
        for detail in ["Nia", "Meg", "Finance"]:
            assert detail not in message.body, detail
    assert "OASSH" not in to_head.body  # a new head's email names neither scheme nor mentor


def test_a_declined_proposal_tells_the_brokers_the_request_waits_again(
    scheme, broker, new_head, mentor
):
    request = mentoring.ask_for_mentor(scheme=scheme, mentee=_with_posts(new_head))
    pairing = mentoring.propose_pairing(request=request, offer=scheme.offers.get(), broker=broker)
    mail.outbox.clear()

    mentoring.end_pairing(pairing=pairing, person=mentor)

    [message] = _to(broker)
    assert "waits for a mentor again" in message.subject
    assert _link(message) == reverse("support:broker", args=[scheme.slug])
    assert "Meg" not in message.body and "Nia" not in message.body


def test_a_broker_s_me_counts_requests_to_match_and_proposals_waiting(
    client, scheme, broker, new_head, mentor
):
    mentoring.ask_for_mentor(scheme=scheme, mentee=_with_posts(new_head))
    for number in range(2):
        other = make_special_head(f"other{number}@school.example", years_ago=0.2)
        mentoring.ask_for_mentor(scheme=scheme, mentee=_with_posts(other))
    first = scheme.requests.first()
    mentoring.propose_pairing(request=first, offer=scheme.offers.get(), broker=broker)
    client.force_login(broker)

    page = client.get(reverse("me")).content.decode()

    work = page.split('id="work-heading"')[1].split("</section>")[0]
    assert "2 requests to match with a mentor; 1 proposal waiting for answers" in work
    assert reverse("support:broker", args=[scheme.slug]) in work
    assert "Requests waiting for a decision" not in page and "None." not in page


def test_a_mentor_s_me_lists_proposals_to_accept_and_check_ins_due(
    client, scheme, broker, new_head, mentor
):
    request = mentoring.ask_for_mentor(scheme=scheme, mentee=_with_posts(new_head))
    pairing = mentoring.propose_pairing(request=request, offer=scheme.offers.get(), broker=broker)
    client.force_login(mentor)

    work = client.get(reverse("me")).content.decode().split('id="work-heading"')[1]
    work = work.split("</section>")[0]
    assert "1 mentoring proposal to accept" in work
    assert reverse("support:pairing", args=[pairing.pk]) in work
    assert "check-in" not in work

    for person in (mentor, new_head):
        mentoring.accept_pairing(pairing=pairing, person=person)
    CheckIn.objects.create(pairing=pairing, months=3)
    work = client.get(reverse("me")).content.decode().split('id="work-heading"')[1]
    work = work.split("</section>")[0]
    assert "proposal" not in work
    assert "1 check-in due" in work
    assert reverse("support:check_in", args=[pairing.pk, 3]) in work
    # The new head sees theirs; once answered it is no longer due.
    client.force_login(new_head)
    client.post(reverse("support:check_in", args=[pairing.pk, 3]), {"answer": "going_well"})
    assert "check-in due" not in client.get(reverse("me")).content.decode()
    client.force_login(mentor)
    assert "1 check-in due" in client.get(reverse("me")).content.decode()


def test_a_new_head_who_asked_sees_their_request_waiting_on_me(client, scheme, broker, new_head):
    client.force_login(new_head)
    client.post(reverse("support:mentor_ask", args=[scheme.slug]), {"note": NOTE})

    page = client.get(reverse("me")).content.decode()

    work = page.split('id="work-heading"')[1].split("</section>")[0]
    assert "Your request for a mentor in OASSH mentoring" in work
    assert WAITING in work


def test_someone_with_no_support_role_sees_no_mentoring_or_coaching_work(client, member):
    client.force_login(member)
    page = client.get(reverse("me")).content.decode()
    assert "Waiting for you" not in page
    assert reverse("support:mentoring") in page  # the way in stays at the foot of the page


def test_me_takes_the_same_queries_however_much_support_work_waits(
    client, heads_up, coach, requester, scheme, broker, mentor, new_head
):
    """A mentor who also coaches and brokers: their /me/ does not grow with the requests
    and pairings waiting, and stays within the page's budget."""
    Coach.objects.create(network=heads_up, person=mentor)
    Broker.objects.create(scheme=scheme, person=mentor)
    Pairing.objects.create(scheme=scheme, mentor=mentor, mentee=new_head)

    def more(count):
        for _ in range(count):
            _ask_coaches(heads_up, requester)
            head = make_special_head(f"n{factories.make_school().pk}@school.example", years_ago=0.1)
            mentoring.ask_for_mentor(scheme=scheme, mentee=_with_posts(head))

    more(1)
    client.force_login(mentor)
    client.get(reverse("me"))  # the first visit makes the calendar feed
    cache.clear()  # the page as built, not as kept
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("me"))
    more(5)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("me")).content.decode()
    assert "6 requests waiting in the pool" in page and "6 requests to match" in page
    assert "1 mentoring proposal to accept" in page
    assert len(many) == len(few) <= 15
