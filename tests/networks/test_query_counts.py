"""Pages use a fixed number of queries however many networks or members there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import StoryInbox
from core import audit, keyset
from meetings.models import Meeting
from members.models import Post
from networks import views
from networks.models import Invitation, Membership, Network, NetworkPurpose, WorkhubMembership
from tests import factories

pytestmark = pytest.mark.django_db

# What each page uses today, pinned: a new query per row would break the equality
# checks below, and a new fixed query must be a choice made here.
DIRECTORY_MAX_QUERIES = 4  # count, page, areas, area choices
# The network with its sub-groups and past workhub count, its areas, its purposes,
# who runs it with the viewer's own membership, the posts of both, this year's
# workhubs; the viewer (signed in; the session comes from the cache); an invitation
# waiting (a head who is not a member); and the sections of floor 4: next meetings,
# coaching and mentoring links, the latest articles with whether stories are taken,
# their authors; for a member, the latest announcements and what the network decided
# (voice's "What we decided"); and who represents the network (voice: its
# representatives whose terms run).
NETWORK_PAGE_MAX_QUERIES = {"visitor": 11, "head": 13, "member": 14}
# The viewer (the session comes from the cache), the viewer's membership with the
# network (the network alone too, for site staff), the page of members with their people
# and schools, their posts, the count (kept in the cache until the next write).
MEMBER_LIST_MAX_QUERIES = 6
# The viewer and their administration of the network (one query, with the network),
# then: join requests, the people asking, their posts, invitations (requests); the
# claims with their people and schools (claims); the count and page of events (history);
# the workhub, its members, their posts, its next meetings, and whether the viewer is
# one of its people (discussions' section, for a member who is not a lead) (workhub).
# claims: the queue, and the headships verified automatically lately with the school
# accounts whose evidence confirmed them (one query for them all).
ADMIN_PAGE_MAX_QUERIES = {"requests": 6, "claims": 5, "history": 4, "workhub": 8}


def _queries(client, url, **query) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(captured)


def _add_networks(count: int, parent=None):
    oldham = factories.make_la(code="353", name="Oldham")
    for number in range(count):
        network = factories.make_network(parent=parent if number % 2 else None)
        if number % 3 == 0:
            network.areas.add(oldham)


def _add_members(network, count: int, role=Membership.Role.MEMBER):
    for _ in range(count):
        factories.make_membership(person=factories.make_head(), network=network, role=role)


def test_the_directory_query_count_does_not_grow_with_the_number_of_networks(
    client, django_assert_max_num_queries
):
    parent = factories.make_network(name="A parent network")
    _add_networks(4, parent=parent)
    few = _queries(client, reverse("networks:directory"))
    filtered_few = _queries(client, reverse("networks:directory"), area="931", q="network")

    _add_networks(195, parent=parent)

    with django_assert_max_num_queries(DIRECTORY_MAX_QUERIES):
        many = _queries(client, reverse("networks:directory"))
    filtered_many = _queries(client, reverse("networks:directory"), area="931", q="network")
    assert many == few
    assert filtered_many == filtered_few


@pytest.fixture
def busy_network(network):
    """A network page with everything it can show: purposes, sub-groups, workhubs, its
    next meetings, articles by named authors and an open story inbox."""
    NetworkPurpose.objects.create(network=network, position=1, text="A collective voice")
    factories.make_network(name="A sub-group", parent=network)
    factories.make_workhub(network=network)
    factories.make_meeting(network=network, audience=Meeting.Audience.PUBLIC)
    factories.make_article(network=network, authors=[factories.make_head()])
    StoryInbox.objects.create(network=network)
    return network


@pytest.mark.parametrize("viewer", ["visitor", "head", "member"])
def test_a_network_page_query_count_does_not_grow_with_the_number_of_coordinators(
    client, busy_network, viewer, request, django_assert_max_num_queries
):
    if viewer != "visitor":
        client.force_login(request.getfixturevalue(viewer))
    url = busy_network.get_absolute_url()
    _add_members(busy_network, 5, role=Membership.Role.COORDINATOR)
    few = _queries(client, url)

    _add_members(busy_network, 45, role=Membership.Role.COORDINATOR)

    with django_assert_max_num_queries(NETWORK_PAGE_MAX_QUERIES[viewer]):
        many = _queries(client, url)
    assert many == few


@pytest.mark.parametrize("page", ["first", "next", "last"])
@pytest.mark.parametrize("viewer", ["member", "staff"])
def test_the_member_list_query_count_does_not_grow_with_the_number_of_members(
    client, network, viewer, page, request, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr(views, "MEMBERS_PAGE_SIZE", 10)
    client.force_login(request.getfixturevalue(viewer))
    url = reverse("networks:members", args=[network.slug])

    def query():
        if page == "last":
            return {"page": "last"}
        if page == "next":
            return {"after": keyset.encode_cursor(["", "", 0])}
        return {}

    _add_members(network, 25)
    few = _queries(client, url, **query())

    _add_members(network, 175)

    with django_assert_max_num_queries(MEMBER_LIST_MAX_QUERIES):
        many = _queries(client, url, **query())
    assert many == few


def _add_waiting_work(network, workhub, count: int):
    """Each time: a member school whose head was verified automatically, with a claim to
    head it, a join request, an invitation, a workhub member and a change in the network's
    history naming two people."""
    for _ in range(count):
        school = factories.make_school()
        head = factories.make_head(school=school)
        Post.objects.filter(person=head).update(
            verified_how=Post.How.REGISTER_AND_DOMAIN, decided_at=timezone.now()
        )
        factories.make_membership(person=head, network=network, school=school)
        WorkhubMembership.objects.create(workhub=workhub, person=head)
        factories.make_post(person=factories.make_user(), school=school, verified=False)
        asking = factories.make_head()
        factories.make_membership(person=asking, network=network, status="pending")
        Invitation.objects.create(network=network, email=f"invited.{asking.pk}@school.example")
        audit.record(
            obj=network, action="test", summary="A change", actor=head, subject=asking,
            network_id=network.pk,
        )  # fmt: skip


@pytest.mark.parametrize("page", ["requests", "claims", "history", "workhub"])
def test_the_administrators_pages_do_not_grow_with_what_waits_on_them(
    client, network, administrator, member, page, django_assert_max_num_queries
):
    Network.objects.filter(pk=network.pk).update(basis=Network.Basis.SCHOOL)
    workhub = factories.make_workhub(network=network)
    if page == "workhub":  # its members are shown to the network's members
        client.force_login(member)
        url = reverse("networks:workhub", args=[network.slug, workhub.slug])
    else:
        client.force_login(administrator)
        url = reverse(f"networks:{page}", args=[network.slug])
    _add_waiting_work(network, workhub, 2)
    client.get(url)  # the first visit's work: what is kept for the network
    few = _queries(client, url)

    _add_waiting_work(network, workhub, 20)
    client.get(url)  # and again after the work added changed it

    with django_assert_max_num_queries(ADMIN_PAGE_MAX_QUERIES[page]):
        many = _queries(client, url)
    assert many == few
