"""Answering a check-in: each of the two tells the scheme's brokers how it is going."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from members.models import User
from support import mentoring
from support.models import Broker, CheckIn, CheckInReply, MentoringScheme, Pairing
from support.privacy import personal_data
from tests import factories
from tests.support.conftest import make_special_head

pytestmark = pytest.mark.django_db


def _with_posts(person):
    return User.objects.with_posts().get(pk=person.pk)


def _active(scheme, new_head, mentor, broker) -> Pairing:
    """A pairing that started four months ago and has had its three-month prompt."""
    with time_machine.travel(timezone.now() - datetime.timedelta(days=120)):
        request = mentoring.ask_for_mentor(scheme=scheme, mentee=_with_posts(new_head))
        pairing = mentoring.propose_pairing(
            request=request, offer=scheme.offers.get(mentor=mentor), broker=broker
        )
        for person in (mentor, new_head):
            mentoring.accept_pairing(pairing=pairing, person=person)
    assert mentoring.send_check_ins() == 1
    return Pairing.objects.get(pk=pairing.pk)


@pytest.fixture
def pairing(scheme, broker, new_head, mentor):
    return _active(scheme, new_head, mentor, broker)


def _url(pairing, months=3):
    return reverse("support:check_in", args=[pairing.pk, months])


def test_the_prompt_links_to_the_answer_page_and_my_mentoring_does_too(client, pairing, new_head):
    prompt = next(m for m in mail.outbox if m.to == [new_head.email] and "check-in" in m.subject)
    assert _url(pairing) in prompt.body
    client.force_login(new_head)
    assert _url(pairing) in client.get(reverse("support:mentoring")).content.decode()


def test_the_new_head_asks_the_broker_to_get_in_touch_and_the_broker_sees_it(
    client, pairing, new_head, mentor, broker
):
    mail.outbox.clear()
    client.force_login(new_head)
    page = client.get(_url(pairing)).content.decode()
    assert "I would like the broker to get in touch" in page
    assert "Select an option" not in page and "Meg Mentor does not see it" in page

    response = client.post(_url(pairing), {"answer": "get_in_touch", "note": "Hard to meet"})

    assert response["Location"] == reverse("support:pairing", args=[pairing.pk])
    reply = CheckInReply.objects.get()
    assert (reply.person, reply.answer, reply.note) == (new_head, "get_in_touch", "Hard to meet")
    assert [m.to for m in mail.outbox] == [[broker.email]]
    assert "Hard to meet" not in mail.outbox[0].body
    # Answered, my mentoring no longer asks for it.
    assert _url(pairing) not in client.get(reverse("support:mentoring")).content.decode()

    client.force_login(broker)
    home = client.get(reverse("support:broker", args=[scheme_slug(pairing)])).content.decode()
    touch = home.split('id="touch-heading"')[1].split("</section>")[0]
    assert "Nia New" in touch and "Hard to meet" in touch
    detail = client.get(reverse("support:pairing", args=[pairing.pk])).content.decode()
    assert "Hard to meet" in detail

    client.force_login(mentor)  # the other person does not see it
    detail = client.get(reverse("support:pairing", args=[pairing.pk])).content.decode()
    assert "Hard to meet" not in detail and "get in touch" not in detail


def scheme_slug(pairing):
    return pairing.scheme.slug


def test_answering_again_changes_the_answer_and_emails_the_brokers_once(
    client, pairing, new_head, broker
):
    mail.outbox.clear()
    client.force_login(new_head)
    client.post(_url(pairing), {"answer": "get_in_touch"})
    client.post(_url(pairing), {"answer": "get_in_touch", "note": "Still"})
    client.post(_url(pairing), {"answer": "going_well"})
    assert CheckInReply.objects.get().answer == "going_well"
    assert len(mail.outbox) == 1
    client.force_login(broker)
    home = client.get(reverse("support:broker", args=[pairing.scheme.slug])).content.decode()
    assert 'id="touch-heading"' not in home
    assert "Going well" in home


def test_each_person_answers_for_themselves(client, pairing, new_head, mentor):
    client.force_login(mentor)
    client.post(_url(pairing), {"answer": "concerns", "note": "Missed meetings"})
    client.force_login(new_head)
    client.post(_url(pairing), {"answer": "going_well"})
    assert {(r.person, r.answer) for r in CheckInReply.objects.all()} == {
        (mentor, "concerns"),
        (new_head, "going_well"),
    }
    page = client.get(_url(pairing)).content.decode()
    assert "Missed meetings" not in page


def test_an_answer_needs_a_choice(client, pairing, new_head):
    client.force_login(new_head)
    response = client.post(_url(pairing), {"note": "Only a note"})
    assert response.status_code == 200
    assert not CheckInReply.objects.exists()


def test_an_ended_pairing_takes_no_answer(client, pairing, new_head):
    mentoring.end_pairing(pairing=pairing, person=new_head)
    client.force_login(new_head)
    client.post(_url(pairing), {"answer": "concerns"})
    assert not CheckInReply.objects.exists()
    with pytest.raises(ValidationError):
        mentoring.reply_to_check_in(
            check_in=pairing.check_ins.get(), person=new_head, answer="concerns"
        )


def test_a_point_not_yet_reached_has_no_page(client, pairing, new_head):
    client.force_login(new_head)
    assert client.get(_url(pairing, 6)).status_code == 404


@pytest.mark.parametrize(
    "who", ["broker", "member", "administrator", "staff", "other_broker", "network_admin"]
)
def test_nobody_else_answers_or_reads_the_answers(client, pairing, new_head, oassh, request, who):
    mentoring.reply_to_check_in(
        check_in=pairing.check_ins.get(), person=new_head, answer="concerns", note="Private words"
    )
    if who == "other_broker":
        other = MentoringScheme.objects.create(name="Elsewhere", slug="elsewhere", network=oassh)
        person = factories.make_head(email="elsewhere.broker@school.example")
        Broker.objects.create(scheme=other, person=person)
    elif who == "network_admin":
        person = factories.make_head(email="oassh.admin@school.example")
        factories.make_membership(person=person, network=oassh, role="administrator")
    else:
        person = request.getfixturevalue(who)
    client.force_login(person)
    assert client.get(_url(pairing)).status_code == 404
    assert client.post(_url(pairing), {"answer": "going_well"}).status_code == 404
    assert CheckInReply.objects.get().answer == "concerns"
    if who == "staff":  # the audited view shows the pairing, not the answers
        page = client.get(reverse("support:pairing_audit", args=[pairing.pk])).content.decode()
        assert "Private words" not in page


def test_answers_are_in_the_person_s_data_and_go_with_their_account(pairing, new_head, mentor):
    from portal import services as portal_services

    check_in = pairing.check_ins.get()
    mentoring.reply_to_check_in(check_in=check_in, person=mentor, answer="going_well", note="Fine")
    data = personal_data(mentor)
    assert [(row["months"], row["answer"], row["note"]) for row in data["check_in_replies"]] == [
        (3, "Going well", "Fine")
    ]
    assert personal_data(new_head)["check_in_replies"] == []

    portal_services.close_account(person=mentor)
    assert not CheckInReply.objects.exists() and not CheckIn.objects.exists()


@pytest.mark.parametrize("count", [1, 6])
def test_the_broker_page_with_answers_takes_a_fixed_number_of_queries(
    client, scheme, broker, count, django_assert_max_num_queries
):
    for number in range(count):
        mentor = make_special_head(f"m{number}@school.example", first_name="Mentor")
        mentoring.offer_to_mentor(
            scheme=scheme, mentor=_with_posts(mentor), sectors=["special"], areas=[], capacity=1
        )
        head = make_special_head(f"n{number}@school.example", years_ago=0.5)
        pairing = _active(scheme, head, mentor, broker)
        for person in (mentor, head):
            mentoring.reply_to_check_in(
                check_in=pairing.check_ins.get(), person=person, answer="get_in_touch"
            )
        waiting = make_special_head(f"w{number}@school.example", years_ago=0.2)
        mentoring.ask_for_mentor(scheme=scheme, mentee=_with_posts(waiting))
    client.force_login(broker)
    # The viewer, the scheme the viewer brokers; the offers, their areas, the mentors'
    # designations and posts; the pairings, their check-ins, the answers; the requests
    # and their new heads' posts.
    with django_assert_max_num_queries(11):
        page = client.get(reverse("support:broker", args=[scheme.slug])).content.decode()
    assert page.count("I would like the broker to get in touch") == 2 * count
    touch = page.split('id="touch-heading"')[1].split("</section>")[0]
    assert touch.count("<li>") == 2 * count


@pytest.mark.parametrize("count", [1, 5])
def test_my_mentoring_takes_a_fixed_number_of_queries(
    client, scheme, broker, count, django_assert_max_num_queries
):
    mentor = make_special_head("busy@school.example")
    mentoring.offer_to_mentor(
        scheme=scheme, mentor=_with_posts(mentor), sectors=["special"], areas=[], capacity=5
    )
    for number in range(count):
        head = make_special_head(f"n{number}@school.example", years_ago=0.5)
        _active(scheme, head, mentor, broker)
    client.force_login(mentor)
    # The viewer twice (with their posts) and the posts; the open schemes, their areas;
    # the viewer's offers; the pairings and their check-ins; the requests; the schemes
    # the viewer brokers: the same for one pairing or five.
    with django_assert_max_num_queries(10):
        page = client.get(reverse("support:mentoring")).content.decode()
    assert page.count("Answer the 3-month check-in") == count


def test_a_mentor_who_also_brokers_the_scheme_reads_no_more_of_their_mentee_than_a_mentor(
    client, pairing, scheme, new_head, mentor, broker
):
    """Finding 6 of the security test: a mentor who brokers the same scheme read their
    mentee's private answer on the broker page. As a broker they see their own pairing's
    answers no more than as its mentor: their own only. The other broker sees all."""
    Broker.objects.create(scheme=scheme, person=mentor)
    check_in = pairing.check_ins.get()
    mentoring.reply_to_check_in(check_in=check_in, person=mentor, answer="going_well", note="Fine")
    mail.outbox.clear()
    mentoring.reply_to_check_in(
        check_in=check_in, person=new_head, answer="get_in_touch", note="He never listens"
    )
    # The neutral email goes to the brokers outside the pairing only: its timing would
    # tell the mentor that their mentee asked.
    assert [m.to for m in mail.outbox] == [[broker.email]]

    client.force_login(mentor)
    broker_page = client.get(reverse("support:broker", args=[scheme.slug])).content.decode()
    detail = client.get(reverse("support:pairing", args=[pairing.pk])).content.decode()
    for page in (broker_page, detail):
        assert "He never listens" not in page
        assert "I would like the broker to get in touch" not in page
    assert 'id="touch-heading"' not in broker_page
    assert "Fine" in detail  # their own answer, as the mentor may

    client.force_login(broker)
    broker_page = client.get(reverse("support:broker", args=[scheme.slug])).content.decode()
    detail = client.get(reverse("support:pairing", args=[pairing.pk])).content.decode()
    for page in (broker_page, detail):
        assert "He never listens" in page and "Fine" in page


def test_a_broker_who_is_the_new_head_reads_no_more_of_their_mentor_than_a_new_head(
    client, pairing, scheme, new_head, mentor
):
    Broker.objects.create(scheme=scheme, person=new_head)
    mentoring.reply_to_check_in(
        check_in=pairing.check_ins.get(), person=mentor, answer="concerns", note="Never on time"
    )
    client.force_login(new_head)
    for url in (
        reverse("support:broker", args=[scheme.slug]),
        reverse("support:pairing", args=[pairing.pk]),
    ):
        page = client.get(url).content.decode()
        assert "Never on time" not in page and "Some concerns" not in page, url
