"""seed_scale: England-sized benchmark data (docs/architecture.md, "Speed"), run here at a
hundredth."""

import hashlib
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.test import override_settings

from announcements.models import Announcement, Delivery
from articles.models import Article, Story
from devdata.scale import LARGEST_SLUG
from discussions.models import Post as DiscussionPost
from discussions.models import Thread
from discussions.threads import POSTS_PER_PAGE
from fees.models import FeeInvoice
from meetings.models import CalendarFeed, Meeting, Registration
from members.models import LocalAuthority, Post, School, User
from networks import eligibility
from networks.models import Membership, Network
from support.models import MentorOffer, Pairing
from tests import factories
from voice.models import Ballot, BallotChoice, Decision, Poll, VoteRecord

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
        list(
            Announcement.objects.order_by("network__slug", "sent_at", "subject").values_list(
                "network__slug", "subject", "sent_at"
            )
        ),
        list(
            Poll.objects.annotate(votes=Count("vote_records"))
            .order_by("network__slug", "opened_at", "title")
            .values_list("network__slug", "title", "state", "opened_at", "votes")
        ),
        list(
            Thread.objects.order_by("network__slug", "created_at", "title").values_list(
                "network__slug", "title", "created_at", "post_count"
            )
        ),
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
    for part in (
        "schools",
        "people",
        "registrations",
        "announcements",
        "voice",
        "discussions",
        "analyze",
        "total",
    ):
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


def test_the_largest_network_has_an_archive_of_sent_announcements(seeded):
    archive = Announcement.objects.filter(network__slug=LARGEST_SLUG).sent()
    assert archive.count() == 150
    times = list(archive.values_list("sent_at", "created_at", "fanned_out_at", "updated_at"))
    assert all(created < sent == fanned == updated for sent, created, fanned, updated in times)
    assert len({sent.date() for sent, *_ in times}) == 150, "one a day at most"
    assert all(row.kept_counts["sent"] > 0 for row in archive), "the counts a sender sees"
    assert not Delivery.objects.exists()
    assert Announcement.objects.filter(state="draft", sent_at__isnull=True).exists()
    assert Announcement.objects.exclude(network__slug=LARGEST_SLUG).sent().exists()


def test_polls_and_votes_are_as_the_voting_service_leaves_them(seeded):
    polls = Poll.objects.filter(network__slug=LARGEST_SLUG)
    assert {poll.state for poll in polls} == {"open", "closed"}
    benched = polls.filter(state="open").annotate(votes=Count("vote_records")).order_by("-votes")[0]
    assert benched.secret and benched.votes >= 20
    assert not benched.vote_records.filter(person__email="bench-member@example.org").exists()
    for poll in Poll.objects.all():
        records = VoteRecord.objects.filter(poll=poll)
        ballots = Ballot.objects.filter(poll=poll)
        assert ballots.count() == records.count(), "a ballot for each vote"
        voters = set(records.values_list("person_id", flat=True))
        assert len(voters) == records.count()
        assert voters <= set(
            Membership.objects.active()
            .filter(network=poll.network)
            .values_list("person_id", flat=True)
        )
        if poll.secret:
            # A secret ballot names nobody; its results are shown only once it closes.
            assert not ballots.filter(Q(person__isnull=False) | Q(school__isnull=False)).exists()
            assert poll.results_shown == "after_closing"
        else:
            assert set(ballots.values_list("person_id", flat=True)) == voters
        if poll.kind == "single":
            assert not ballots.annotate(n=Count("choices")).exclude(n=1).exists()
        assert (poll.state == "closed") == (poll.closed_at is not None)
    assert BallotChoice.objects.filter(option__poll=benched).count() == benched.votes
    assert Decision.objects.filter(poll__network__slug=LARGEST_SLUG).exists()
    assert not Decision.objects.exclude(poll__state="closed").exists()


def test_threads_have_numbered_posts_and_one_runs_to_many_pages(seeded):
    threads = Thread.objects.annotate(n=Count("posts"), last=Max("posts__created_at"))
    for thread in threads:
        assert thread.n == thread.post_count and thread.last == thread.last_posted_at, thread
        numbers = list(thread.posts.order_by("number").values_list("number", flat=True))
        assert numbers == list(range(1, thread.n + 1))
        assert thread.started_by_id == thread.posts.get(number=1).author_id
    largest = threads.filter(network__slug=LARGEST_SLUG)
    assert largest.count() >= 30
    assert largest.order_by("-post_count")[0].post_count > 2 * POSTS_PER_PAGE
    assert threads.exclude(network__slug=LARGEST_SLUG).exists()
    quoting = DiscussionPost.objects.filter(quotes__isnull=False).select_related("quotes")
    assert quoting.exists()
    assert all(p.quotes.thread_id == p.thread_id and p.quotes.number < p.number for p in quoting)


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
