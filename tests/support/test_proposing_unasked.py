"""A broker proposes a mentor to a new head who has not asked; the head may decline."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from members.models import User
from support import mentoring
from support.models import Broker, MentoringScheme, MentorRequest, Pairing
from tests import factories
from tests.support.conftest import make_special_head

pytestmark = pytest.mark.django_db


def _with_posts(person):
    return User.objects.with_posts().get(pk=person.pk)


def _listed(client, scheme) -> str:
    return client.get(reverse("support:new_heads", args=[scheme.slug])).content.decode()


def test_the_broker_lists_only_new_heads_the_scheme_serves_who_have_not_asked(
    client, scheme, broker, new_head, mentor
):
    asked = make_special_head("asked@school.example", years_ago=0.2, last_name="Asked")
    mentoring.ask_for_mentor(scheme=scheme, mentee=_with_posts(asked))
    paired = make_special_head("paired@school.example", years_ago=0.2, last_name="Paired")
    Pairing.objects.create(scheme=scheme, mentor=mentor, mentee=paired)
    make_special_head("settled@school.example", years_ago=3, last_name="Settled")
    unverified = factories.make_user(email="claim@school.example", last_name="Unverified")
    factories.make_post(
        person=unverified,
        school=factories.make_school(sector="special"),
        started_on=timezone.localdate() - datetime.timedelta(days=40),
        verified=False,
    )
    primary = factories.make_user(email="primary@school.example", last_name="Primary")
    factories.make_post(
        person=primary,
        school=factories.make_school(sector="primary"),
        started_on=timezone.localdate() - datetime.timedelta(days=40),
    )
    essex = factories.make_user(email="essex@school.example", last_name="Essex")
    factories.make_post(
        person=essex,
        school=factories.make_school(sector="special", la=factories.make_la(code="881")),
        started_on=timezone.localdate() - datetime.timedelta(days=40),
    )
    # A second headship does not make a head new again.
    moved = make_special_head("moved@school.example", years_ago=5, last_name="Moved")
    moved.posts.update(ended_on=timezone.localdate() - datetime.timedelta(days=60))
    factories.make_post(
        person=moved,
        school=factories.make_school(sector="special"),
        started_on=timezone.localdate() - datetime.timedelta(days=50),
    )

    client.force_login(broker)
    page = _listed(client, scheme)

    assert "Nia New" in page
    for name in ["Asked", "Paired", "Settled", "Unverified", "Primary", "Essex", "Moved"]:
        assert name not in page, name
    assert (
        reverse("support:new_heads", args=[scheme.slug])
        in client.get(reverse("support:broker", args=[scheme.slug])).content.decode()
    )


def test_a_broker_proposes_a_mentor_to_a_head_who_has_not_asked_and_both_accept(
    client, scheme, broker, new_head, mentor
):
    client.force_login(broker)
    page = client.get(reverse("support:new_head", args=[scheme.slug, new_head.pk]))
    assert "Meg Mentor" in page.content.decode().split("Suggested mentors")[1]

    response = client.post(
        reverse("support:new_head", args=[scheme.slug, new_head.pk]),
        {"offer": scheme.offers.get().pk},
    )

    pairing = Pairing.objects.get()
    assert response["Location"] == reverse("support:pairing", args=[pairing.pk])
    assert (pairing.mentee, pairing.mentor, pairing.state) == (new_head, mentor, "proposed")
    assert not pairing.was_asked_for and pairing.proposed_by == broker
    assert not MentorRequest.objects.exists()
    to_head = [message for message in mail.outbox if message.to == [new_head.email]]
    assert [message.subject for message in to_head] == [
        "[Headnet] A mentor has been proposed for you"
    ]
    assert "Meg" not in to_head[0].body and "OASSH" not in to_head[0].body
    assert "Nia New" not in _listed(client, scheme)

    client.force_login(new_head)
    assert (
        "you had not asked"
        in client.get(reverse("support:pairing", args=[pairing.pk])).content.decode()
    )
    for person in (new_head, mentor):
        client.force_login(person)
        client.post(reverse("support:pairing_accept", args=[pairing.pk]))
    pairing.refresh_from_db()
    assert pairing.state == "active"


def test_the_head_declines_a_proposal_they_never_asked_for_and_nothing_waits(
    client, scheme, broker, new_head, mentor
):
    pairing = mentoring.propose_unasked(
        scheme=scheme, mentee=new_head, offer=scheme.offers.get(), broker=broker
    )
    client.force_login(new_head)
    client.post(reverse("support:pairing_end", args=[pairing.pk]))

    pairing.refresh_from_db()
    assert pairing.state == "declined"
    assert not MentorRequest.objects.exists()
    client.force_login(broker)
    assert "Nia New" in _listed(client, scheme)  # the broker may try someone else


def test_a_head_who_has_asked_is_proposed_from_their_request_instead(
    scheme, broker, new_head, mentor
):
    mentoring.ask_for_mentor(scheme=scheme, mentee=_with_posts(new_head))
    with pytest.raises(ValidationError):
        mentoring.propose_unasked(
            scheme=scheme, mentee=new_head, offer=scheme.offers.get(), broker=broker
        )
    assert not Pairing.objects.exists()


def test_a_second_proposal_for_the_same_head_is_refused(client, scheme, broker, new_head, mentor):
    other = make_special_head("second@school.example", first_name="Sid", last_name="Second")
    mentoring.offer_to_mentor(
        scheme=scheme, mentor=_with_posts(other), sectors=["special"], areas=[], capacity=1
    )
    mentoring.propose_unasked(
        scheme=scheme, mentee=new_head, offer=scheme.offers.get(mentor=mentor), broker=broker
    )
    with pytest.raises(ValidationError):
        mentoring.propose_unasked(
            scheme=scheme, mentee=new_head, offer=scheme.offers.get(mentor=other), broker=broker
        )
    client.force_login(broker)  # a double click on the page: a message, not a second pairing
    response = client.post(
        reverse("support:new_head", args=[scheme.slug, new_head.pk]),
        {"offer": scheme.offers.get(mentor=other).pk},
    )
    assert response["Location"] == reverse("support:new_heads", args=[scheme.slug])
    assert Pairing.objects.count() == 1


def test_a_settled_head_cannot_be_proposed_a_mentor_even_by_a_crafted_post(
    client, scheme, broker, mentor
):
    settled = make_special_head("settled@school.example", years_ago=4)
    client.force_login(broker)
    url = reverse("support:new_head", args=[scheme.slug, settled.pk])
    assert client.get(url).status_code == 404
    client.post(url, {"offer": scheme.offers.get().pk})
    with pytest.raises(ValidationError):
        mentoring.propose_unasked(
            scheme=scheme, mentee=settled, offer=scheme.offers.get(), broker=broker
        )
    assert not Pairing.objects.exists()


@pytest.mark.parametrize("who", ["member", "administrator", "staff", "other_broker", "new_head"])
def test_nobody_but_the_scheme_s_brokers_lists_new_heads_or_proposes(
    client, scheme, broker, new_head, mentor, oassh, request, who
):
    if who == "other_broker":
        other = MentoringScheme.objects.create(name="Elsewhere", slug="elsewhere", network=oassh)
        person = factories.make_head(email="elsewhere.broker@school.example")
        Broker.objects.create(scheme=other, person=person)
    else:
        person = request.getfixturevalue(who)
    client.force_login(person)
    assert client.get(reverse("support:new_heads", args=[scheme.slug])).status_code == 404
    url = reverse("support:new_head", args=[scheme.slug, new_head.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"offer": scheme.offers.get().pk}).status_code == 404
    assert not Pairing.objects.exists()


@pytest.mark.parametrize("count", [1, 8])
def test_the_new_heads_page_takes_a_fixed_number_of_queries(
    client, scheme, broker, count, django_assert_max_num_queries
):
    for number in range(count):
        make_special_head(f"n{number}@school.example", years_ago=0.2)
    client.force_login(broker)
    # The viewer, the scheme the viewer brokers, its network's areas, the new heads (with
    # the open requests and pairings as subqueries) and their posts: the same for one or eight.
    with django_assert_max_num_queries(5):
        page = _listed(client, scheme)
    assert page.count(f"/mentoring/{scheme.slug}/broker/new-heads/") >= count


@pytest.mark.parametrize("count", [1, 8])
def test_one_new_head_s_suggestions_take_a_fixed_number_of_queries(
    client, scheme, broker, new_head, count, django_assert_max_num_queries
):
    for number in range(count):
        person = make_special_head(f"m{number}@school.example")
        mentoring.offer_to_mentor(
            scheme=scheme, mentor=_with_posts(person), sectors=["special"], areas=[], capacity=2
        )
    client.force_login(broker)
    # The viewer, the scheme the viewer brokers, its network's areas, the new head and
    # their posts; the offers, their areas, the mentors' designations and posts.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("support:new_head", args=[scheme.slug, new_head.pk]))
    assert response.content.decode().count("Propose ") >= min(count, mentoring.MAX_SUGGESTIONS)
