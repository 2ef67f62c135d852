"""The demo's mentoring and coaching (the demo accounts in README.md), and the journeys on it."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from members.models import User
from support import coaching, mentoring
from support.models import (
    Broker,
    Coach,
    MentoringScheme,
    MentorOffer,
    MentorRequest,
    Pairing,
    SupportRequest,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, demo_seeded):
    """The demo, seeded once for the module (tests/devdata/conftest.py), with DEBUG on."""
    settings.DEBUG = True


def _user(email):
    return User.objects.with_posts().get(email=email)


def test_oassh_has_a_scheme_with_two_mentors_and_the_new_special_head_may_ask(seeded):
    scheme = MentoringScheme.objects.get(network__slug="oassh")
    assert {offer.mentor.email for offer in scheme.offers.all()} >= {"mentor@example.org"}
    assert scheme.offers.count() == 2
    assert mentoring.why_cannot_ask(_user("special.head@example.org"), scheme) == ""
    mentor = _user("mentor@example.org")
    assert mentor.current_school.sector == "special" and not mentor.is_new_head()


def test_essex_scheme_is_the_local_authority_s_brokered_by_an_la_officer(seeded):
    scheme = MentoringScheme.objects.get(local_authority__code="881")
    [broker] = Broker.objects.filter(scheme=scheme).select_related("person")
    assert [post.role for post in broker.person.posts.all()] == ["la_officer"]
    assert MentorRequest.objects.filter(scheme=scheme, state="open").count() == 1


def test_heads_up_has_two_coaches_and_one_request_waiting(seeded):
    assert set(
        Coach.objects.filter(network__slug="heads-up").values_list("person__email", flat=True)
    ) >= {"coach@example.org"}
    assert Coach.objects.filter(network__slug="heads-up").count() == 2
    assert SupportRequest.objects.filter(network__slug="heads-up", state="waiting").count() == 1


def test_seeding_again_makes_nothing_new(seeded, settings):
    models = [MentoringScheme, Broker, MentorOffer, MentorRequest, Coach, SupportRequest]
    before = {model.__name__: model.objects.count() for model in models}
    call_command("seed_demo", password="headnet-demo", stdout=io.StringIO())
    assert {model.__name__: model.objects.count() for model in models} == before


def test_on_the_demo_a_new_head_is_paired_and_a_head_in_crisis_is_helped_without_a_leak(
    seeded, client
):
    scheme = MentoringScheme.objects.get(slug="oassh-mentoring")
    request = mentoring.ask_for_mentor(scheme=scheme, mentee=_user("special.head@example.org"))
    broker = _user("oxon.special.head1@example.org")
    client.force_login(broker)
    page = client.get(reverse("support:broker", args=[scheme.slug])).content.decode()
    assert "Ruth Ellery" in page.split("Suggested mentors")[1]
    offer = scheme.offers.get(mentor__email="mentor@example.org")
    pairing = mentoring.propose_pairing(request=request, offer=offer, broker=broker)
    for email in ["mentor@example.org", "special.head@example.org"]:
        mentoring.accept_pairing(pairing=pairing, person=_user(email))
    assert Pairing.objects.get().state == "active"

    heads_up = scheme.network.__class__.objects.get(slug="heads-up")
    mail.outbox.clear()
    item = coaching.ask_for_support(
        network=heads_up,
        requester=_user("primary.head@example.org"),
        help="crisis",
        contact_by="phone",
        note="Suspended without reason",
    )
    coaching.take_request(support_request=item, coach=_user("coach@example.org"))
    assert all("Suspended" not in message.body for message in mail.outbox)

    demo_people = User.objects.filter(email__endswith="@example.org").exclude(
        email__in=[
            "mentor@example.org", "special.head@example.org", "oxon.special.head1@example.org",
            "coach@example.org", "primary.head@example.org",
        ]
    )  # fmt: skip
    for person in demo_people:  # other members, coaches, brokers, administrators, staff
        client.force_login(person)
        pairing_url = reverse("support:pairing", args=[pairing.pk])
        assert client.get(pairing_url).status_code == 404, person.email
        request_url = reverse("support:request", args=["heads-up", item.pk])
        assert client.get(request_url).status_code == 404, person.email
