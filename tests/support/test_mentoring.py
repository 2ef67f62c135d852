"""Mentoring: a new head asks, a broker proposes a ranked mentor, both accept, check-ins."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from members.models import User
from support import mentoring
from support.models import CheckIn, MentoringScheme, MentorRequest, Pairing, PairingOpening
from tests import factories
from tests.support.conftest import make_special_head

pytestmark = pytest.mark.django_db


def _with_posts(person):
    return User.objects.with_posts().get(pk=person.pk)


def _paired(scheme, new_head, mentor, broker):
    request = mentoring.ask_for_mentor(scheme=scheme, mentee=_with_posts(new_head))
    offer = scheme.offers.get(mentor=mentor)
    return mentoring.propose_pairing(request=request, offer=offer, broker=broker)


def test_a_new_head_asks_through_the_page_and_the_brokers_get_a_neutral_email(
    client, scheme, broker, new_head
):
    client.force_login(new_head)
    page = client.get(reverse("support:mentoring")).content.decode()
    assert reverse("support:mentor_ask", args=[scheme.slug]) in page
    client.post(reverse("support:mentor_ask", args=[scheme.slug]), {"note": "Finance worries"})

    request = MentorRequest.objects.get()
    assert (request.mentee, request.state) == (new_head, "open")
    assert [message.to for message in mail.outbox] == [[broker.email]]
    assert "Finance" not in mail.outbox[0].body and "Nia" not in mail.outbox[0].body


@pytest.mark.parametrize("kind", ["settled", "unverified", "elsewhere"])
def test_only_new_heads_with_a_confirmed_headship_the_scheme_serves_may_ask(scheme, kind):
    if kind == "settled":
        person = make_special_head("settled@school.example")
    elif kind == "unverified":
        person = factories.make_user(email="claim@school.example")
        factories.make_post(
            person=person,
            school=factories.make_school(sector="special"),
            started_on=timezone.localdate() - datetime.timedelta(days=40),
            verified=False,
        )
    else:
        person = factories.make_user(email="primary@school.example")
        factories.make_post(
            person=person,
            school=factories.make_school(sector="primary"),
            started_on=timezone.localdate() - datetime.timedelta(days=40),
        )
    with pytest.raises(ValidationError):
        mentoring.ask_for_mentor(scheme=scheme, mentee=_with_posts(person))


def test_the_broker_sees_ranked_suggestions_without_the_mentee_s_own_school_or_a_full_mentor(
    client, scheme, broker, new_head, mentor
):
    colleague = factories.make_user(email="colleague@school.example", first_name="Col")
    factories.make_post(person=colleague, school=new_head.posts.get().school)
    mentoring.offer_to_mentor(
        scheme=scheme, mentor=colleague, sectors=["special"], areas=[], capacity=2
    )
    full = make_special_head("full@school.example", first_name="Fay", last_name="Full")
    mentoring.offer_to_mentor(scheme=scheme, mentor=full, sectors=["special"], areas=[], capacity=1)
    other_mentee = make_special_head("other.new@school.example", years_ago=0.2)
    Pairing.objects.create(scheme=scheme, mentor=full, mentee=other_mentee, state="active")
    mentoring.ask_for_mentor(scheme=scheme, mentee=_with_posts(new_head))

    client.force_login(broker)
    page = client.get(reverse("support:broker", args=[scheme.slug])).content.decode()
    suggestions = page.split("Suggested mentors")[1].split("</ol>")[0]
    assert "Meg Mentor" in suggestions
    assert "Col" not in suggestions and "Fay Full" not in suggestions


def test_a_broker_proposes_both_accept_and_the_pairing_starts(
    client, scheme, broker, new_head, mentor
):
    request = mentoring.ask_for_mentor(scheme=scheme, mentee=_with_posts(new_head))
    offer = scheme.offers.get()
    client.force_login(broker)
    response = client.post(
        reverse("support:propose", args=[scheme.slug, request.pk]), {"offer": offer.pk}
    )
    pairing = Pairing.objects.get()
    assert response["Location"] == reverse("support:pairing", args=[pairing.pk])
    assert pairing.state == "proposed"
    for person in (mentor, new_head):
        client.force_login(person)
        client.post(reverse("support:pairing_accept", args=[pairing.pk]))
    pairing.refresh_from_db()
    assert pairing.state == "active" and pairing.started_at is not None


def test_either_person_can_decline_and_the_request_waits_again(scheme, broker, new_head, mentor):
    pairing = _paired(scheme, new_head, mentor, broker)
    mentoring.end_pairing(pairing=pairing, person=mentor)
    pairing.refresh_from_db()
    assert pairing.state == "declined"
    assert MentorRequest.objects.get().state == "open"


def test_either_person_can_end_a_pairing(scheme, broker, new_head, mentor):
    pairing = _paired(scheme, new_head, mentor, broker)
    mentoring.accept_pairing(pairing=pairing, person=mentor)
    mentoring.accept_pairing(pairing=pairing, person=new_head)
    mentoring.end_pairing(pairing=pairing, person=new_head)
    pairing.refresh_from_db()
    assert pairing.state == "ended"


def test_a_full_mentor_cannot_be_proposed_even_by_a_crafted_post(
    client, scheme, broker, new_head, mentor
):
    other = make_special_head("other.new@school.example", years_ago=0.2)
    Pairing.objects.create(scheme=scheme, mentor=mentor, mentee=other, state="active")
    request = mentoring.ask_for_mentor(scheme=scheme, mentee=_with_posts(new_head))
    client.force_login(broker)
    client.post(
        reverse("support:propose", args=[scheme.slug, request.pk]),
        {"offer": scheme.offers.get().pk},
    )
    assert Pairing.objects.filter(mentee=new_head).count() == 0


@pytest.mark.parametrize(
    "who", ["member", "administrator", "staff", "other_broker", "network_admin", "head"]
)
def test_nobody_but_the_two_and_the_brokers_sees_a_pairing(
    client, scheme, broker, new_head, mentor, oassh, request, who
):
    pairing = _paired(scheme, new_head, mentor, broker)
    if who == "other_broker":
        from support.models import Broker

        other = MentoringScheme.objects.create(
            name="Essex", slug="essex", local_authority=factories.make_la(code="881", name="Essex")
        )
        person = factories.make_head(email="essex.broker@school.example")
        Broker.objects.create(scheme=other, person=person)
    elif who == "network_admin":
        person = factories.make_head(email="oassh.admin@school.example")
        factories.make_membership(person=person, network=oassh, role="administrator")
    else:
        person = request.getfixturevalue(who)
    client.force_login(person)
    assert client.get(reverse("support:pairing", args=[pairing.pk])).status_code == 404
    for name in ["pairing_accept", "pairing_end"]:
        assert client.post(reverse(f"support:{name}", args=[pairing.pk])).status_code == 404
    assert client.get(reverse("support:broker", args=[scheme.slug])).status_code == 404
    assert "Meg Mentor" not in client.get(reverse("support:mentoring")).content.decode()
    pairing.refresh_from_db()
    assert pairing.state == "proposed"


def test_the_two_and_the_brokers_see_it(client, scheme, broker, new_head, mentor):
    pairing = _paired(scheme, new_head, mentor, broker)
    for person in (mentor, new_head, broker):
        client.force_login(person)
        assert client.get(reverse("support:pairing", args=[pairing.pk])).status_code == 200


def test_site_staff_open_a_pairing_only_through_the_audited_action(
    client, scheme, broker, new_head, mentor, staff, member
):
    pairing = _paired(scheme, new_head, mentor, broker)
    client.force_login(staff)
    listing = client.get(reverse("support:audit")).content.decode()
    assert "Meg Mentor" not in listing and "Nia" not in listing
    assert client.get(reverse("support:pairing_audit", args=[pairing.pk])).status_code == 200
    opening = PairingOpening.objects.get()
    assert (opening.pairing, opening.opened_by) == (pairing, staff)
    client.force_login(member)
    assert client.get(reverse("support:pairing_audit", args=[pairing.pk])).status_code == 404
    assert client.get(reverse("support:audit")).status_code == 404
    assert PairingOpening.objects.count() == 1


def test_an_experienced_head_offers_through_the_page(client, scheme, oassh):
    person = make_special_head("offering@school.example")
    client.force_login(person)
    client.post(
        reverse("support:mentor_offer", args=[scheme.slug]),
        {"sectors": ["special"], "capacity": "2", "note": "Happy to help", "is_active": "on"},
    )
    offer = scheme.offers.get()
    assert (offer.mentor, offer.capacity, offer.sectors) == (person, 2, ["special"])


def test_a_new_head_cannot_offer_to_mentor(scheme, new_head):
    with pytest.raises(ValidationError):
        mentoring.offer_to_mentor(
            scheme=scheme, mentor=_with_posts(new_head), sectors=[], areas=[], capacity=1
        )


def test_check_ins_go_at_three_six_and_twelve_months_and_never_twice(
    scheme, broker, new_head, mentor
):
    start = timezone.now() - datetime.timedelta(days=1)
    with time_machine.travel(start):
        pairing = _paired(scheme, new_head, mentor, broker)
        mentoring.accept_pairing(pairing=pairing, person=mentor)
        mentoring.accept_pairing(pairing=pairing, person=new_head)
    mail.outbox.clear()
    today = timezone.localdate()
    assert mentoring.send_check_ins(today=today) == 0

    three_months = pairing.__class__.objects.get().check_in_due(3)
    assert mentoring.send_check_ins(today=three_months) == 1
    assert mentoring.send_check_ins(today=three_months) == 0  # run twice: nothing more
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentor.email, new_head.email])
    assert "3 months" in mail.outbox[0].body

    a_year_on = pairing.__class__.objects.get().check_in_due(12)
    assert mentoring.send_check_ins(today=a_year_on) == 1  # six was missed: only twelve goes
    assert sorted(CheckIn.objects.values_list("months", flat=True)) == [3, 6, 12]
    assert "12 months" in mail.outbox[-1].body
    call_command("send_mentoring_check_ins", stdout=io.StringIO())
    assert CheckIn.objects.count() == 3 and len(mail.outbox) == 4


def test_the_database_refuses_a_second_check_in_for_the_same_point(
    scheme, broker, new_head, mentor
):
    pairing = _paired(scheme, new_head, mentor, broker)
    assert mentoring._claim_check_in(pairing, 3)
    assert not mentoring._claim_check_in(pairing, 3)


def test_a_check_in_falls_due_on_the_same_day_months_later_or_the_month_s_last_day():
    pairing = Pairing(started_at=datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC))
    assert pairing.check_in_due(3) == datetime.date(2027, 2, 28)
    assert pairing.check_in_due(12) == datetime.date(2027, 11, 30)


@pytest.mark.parametrize("count", [1, 8])
def test_the_broker_page_takes_a_fixed_number_of_queries(
    client, scheme, broker, count, django_assert_max_num_queries
):
    for number in range(count):
        make_special_head(f"m{number}@school.example")
        mentoring.offer_to_mentor(
            scheme=scheme,
            mentor=User.objects.with_posts().get(email=f"m{number}@school.example"),
            sectors=["special"],
            areas=[],
            capacity=2,
        )
        head = make_special_head(f"n{number}@school.example", years_ago=0.2)
        mentoring.ask_for_mentor(scheme=scheme, mentee=_with_posts(head))
    client.force_login(broker)
    # The viewer, the scheme the viewer brokers; the offers, their areas, the mentors'
    # designations and posts; the pairings (none have check-ins); the requests and their
    # new heads' posts: the same for one request or eight.
    with django_assert_max_num_queries(9):
        assert client.get(reverse("support:broker", args=[scheme.slug])).status_code == 200


def test_closing_an_account_takes_the_person_s_pairings_offers_and_requests(
    scheme, broker, new_head, mentor
):
    from portal import services as portal_services

    _paired(scheme, new_head, mentor, broker)
    portal_services.close_account(person=new_head)
    assert not Pairing.objects.exists() and not MentorRequest.objects.exists()
    portal_services.close_account(person=mentor)
    assert not scheme.offers.exists()
