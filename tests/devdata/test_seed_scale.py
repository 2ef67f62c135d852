"""seed_scale: England-sized benchmark data (docs/architecture.md, "Speed"), run here at a
hundredth."""

import hashlib
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test import override_settings

from articles.models import Article, Story
from devdata.scale import LARGEST_SLUG
from fees.models import FeeInvoice
from meetings.models import CalendarFeed, Meeting, Registration
from members.models import LocalAuthority, Post, School, User
from networks import eligibility
from networks.models import Membership, Network
from support.models import MentorOffer, Pairing
from tests import factories

pytestmark = pytest.mark.django_db

SCALE = 0.01
PASSWORD = "headnet-bench"


def _seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_scale", scale=SCALE, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def debug(settings):
    """seed_scale is for local (DEBUG) sites; pytest-django turns DEBUG off."""
    settings.DEBUG = True


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One run for the module's read-only tests, rolled back at the end: a run takes a
    second or two, too long to repeat for each test."""
    with django_db_blocker.unblock(), override_settings(DEBUG=True), transaction.atomic():
        yield _seed()
        transaction.set_rollback(True)


def _fingerprint() -> str:
    """The data by what people see (names, addresses, titles, times), not by row ids."""
    parts = [
        list(User.objects.order_by("email").values_list("email", "first_name", "last_name")),
        list(School.objects.order_by("urn").values_list("urn", "name", "local_authority__code")),
        list(
            Membership.objects.order_by("network__slug", "person__email").values_list(
                "network__slug", "person__email", "school__urn", "status", "role"
            )
        ),
        list(Meeting.objects.order_by("uid").values_list("uid", "title", "starts_at", "state")),
        list(
            Registration.objects.order_by("meeting__uid", "person__email").values_list(
                "meeting__uid", "person__email", "status"
            )
        ),
        list(FeeInvoice.objects.order_by("reference").values_list("reference", "state")),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


# Refusing ------------------------------------------------------------------------------


def test_seed_scale_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG off"):
        _seed(flush=True)
    assert not User.objects.filter(email__startswith="bench-").exists()


def test_seed_scale_refuses_a_database_that_has_data(debug):
    factories.make_head(email="somebody@school.example")

    with pytest.raises(CommandError, match="--flush"):
        _seed()
    assert list(User.objects.values_list("email", flat=True)) == ["somebody@school.example"]


# What it makes -------------------------------------------------------------------------


def test_seed_scale_makes_a_hundredth_of_england(seeded):
    assert School.objects.count() == 240
    assert User.objects.count() == 300
    assert Meeting.objects.count() == 200
    assert LocalAuthority.objects.count() == 4
    assert f"/networks/{LARGEST_SLUG}/" in seeded
    assert "bench-admin@example.org" in seeded and PASSWORD in seeded
    for part in ("schools", "people", "registrations", "analyze", "total"):
        assert f"{part}:" in seeded


def test_every_kind_of_network_is_there_with_people_running_it(seeded):
    networks = Network.objects.annotate(
        admins=Count("memberships", filter=Q(memberships__role="administrator")),
        team=Count("memberships", filter=Q(memberships__role__in=["administrator", "coordinator"])),
    )
    assert {n.join_policy for n in networks} == set(Network.JoinPolicy.values)
    assert {n.basis for n in networks} == set(Network.Basis.values)
    assert {n.kind for n in networks} == set(Network.Kind.values)
    assert all(network.admins >= 1 for network in networks)
    assert Network.objects.filter(parent__isnull=False).exists()
    assert Network.objects.filter(workhubs__isnull=False).exists()
    assert Membership.objects.pending().exists()
    assert Membership.objects.filter(status__in=["left", "lapsed", "declined"]).exists()


def test_the_largest_network_holds_most_people(seeded):
    england = Network.objects.get(slug=LARGEST_SLUG)
    members = england.memberships.active().count()
    assert members > User.objects.count() * 0.6
    assert members == max(
        n.memberships.active().count() for n in Network.objects.prefetch_related("memberships")
    )


def test_school_seats_are_held_by_verified_heads_of_the_school(seeded):
    seats = Membership.objects.live().filter(network__basis="school", role="member")
    assert seats.exists()
    for seat in seats.select_related("person"):
        assert (
            Post.objects.current()
            .verified()
            .headships()
            .filter(person=seat.person, school=seat.school_id)
            .exists()
        ), seat
    assert not Membership.objects.filter(network__basis="person", school__isnull=False).exists()


def test_members_are_eligible_for_their_networks(seeded):
    # Administrators may run a network they could not join (an association's clerk).
    memberships = (
        Membership.objects.active()
        .filter(role="member")
        .exclude(person__email__startswith="bench-")
        .select_related("network")
        .prefetch_related("network__areas")
    )
    people = User.objects.with_posts().in_bulk([m.person_id for m in memberships])
    for membership in memberships:
        allowed = eligibility.eligibility_for(
            membership.network, people[membership.person_id], check_seat=False
        )
        assert allowed, (membership, allowed.reason)


def test_meetings_follow_the_rules_and_registrations_fit(seeded):
    meetings = Meeting.objects.select_related("workhub").annotate(
        going=Count("registrations", filter=Q(registrations__status="going")),
        waiting=Count("registrations", filter=Q(registrations__status="waiting")),
        total=Count("registrations"),
    )
    for meeting in meetings:
        meeting.clean()
        assert meeting.capacity is None or meeting.going <= meeting.capacity, meeting
        assert meeting.waiting == 0 or meeting.going == meeting.capacity, meeting
        assert meeting.total <= 30
    states = Counter(meeting.state for meeting in meetings)
    assert states["published"] > 150 and states["draft"] and states["cancelled"]
    assert meetings.filter(waiting__gt=0).exists()
    members = set(Membership.objects.active().values_list("network_id", "person_id"))
    registered = set(Registration.objects.values_list("meeting__network_id", "person_id"))
    assert registered <= members, "only the network's members register"
    # 10 to 30 a meeting where the network has that many members.
    big = Network.objects.get(slug=LARGEST_SLUG)
    counts = [
        m.total for m in meetings.filter(network=big, registration_required=True, state="published")
    ]
    assert counts and min(counts) >= 10


def test_fees_articles_and_mentoring_are_there(seeded):
    invoices = FeeInvoice.objects.select_related("school", "network__fee_scheme")
    assert {invoice.state for invoice in invoices} >= {"due", "paid"}
    for invoice in invoices:
        assert invoice.amount_pence == invoice.network.fee_scheme.amount_for(invoice.school)
        assert Membership.objects.filter(network=invoice.network, school=invoice.school).exists()
    assert Article.objects.published().filter(audience="members").exists()
    assert Article.objects.public().exists()
    assert Story.objects.published().filter(author__isnull=True).exists()
    assert Pairing.objects.filter(state="active").exists()
    for offer in MentorOffer.objects.all():
        assert Pairing.objects.filter(scheme=offer.scheme, mentor=offer.mentor).count() <= (
            offer.capacity
        )


def test_same_seed_same_data_and_flush_empties_the_database_first(seeded):
    first = _fingerprint()
    factories.make_head(email="somebody@school.example")
    # PostgreSQL cannot TRUNCATE tables with foreign key checks still pending in the
    # test's transaction; checking them now clears them (a real run flushes first).
    connection.check_constraints()

    _seed(flush=True)

    assert _fingerprint() == first
    assert not User.objects.filter(email="somebody@school.example").exists()


# The benchmark's accounts and pages ----------------------------------------------------


def test_known_accounts_sign_in_with_the_password(seeded, client):
    for email in (
        "bench-member@example.org",
        "bench-admin@example.org",
        "bench-head@example.org",
        "bench-staff@example.org",
    ):
        assert client.login(email=email, password=PASSWORD), email
        assert CalendarFeed.objects.filter(person__email=email).exists()
        client.logout()
    member = User.objects.get(email="bench-member@example.org")
    assert Post.objects.current().verified().headships().filter(person=member).exists()
    assert Membership.objects.active().filter(person=member, network__slug=LARGEST_SLUG).exists()
    admin = User.objects.get(email="bench-admin@example.org")
    assert admin.is_staff and not admin.is_superuser
    assert not Membership.objects.filter(person__email="bench-head@example.org").exists()


def test_pages_of_the_largest_network_open(seeded, client):
    client.login(email="bench-member@example.org", password=PASSWORD)
    meeting = Meeting.objects.filter(network__slug=LARGEST_SLUG, state="published").last()
    feed = CalendarFeed.objects.get(person__email="bench-member@example.org")
    for url in [
        f"/networks/{LARGEST_SLUG}/",
        f"/networks/{LARGEST_SLUG}/members/",
        f"/networks/{LARGEST_SLUG}/members/?page=last",
        f"/networks/{LARGEST_SLUG}/meetings/",
        f"/networks/{LARGEST_SLUG}/articles/",
        meeting.get_absolute_url(),
        "/meetings/",
        "/me/",
        feed.get_absolute_url(),
    ]:
        assert client.get(url).status_code == 200, url
    client.login(email="bench-admin@example.org", password=PASSWORD)
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/networks/{LARGEST_SLUG}/requests/").status_code == 200
