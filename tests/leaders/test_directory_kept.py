"""The leaders directory is built once for every head at an address on the day and kept
(core.sharedparts): each kind of write it shows changes the page straight after, the next
day shows the posts held that day, and what is kept reaches nobody who may not see the
directory and shows nobody the directory hides."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leaders import services
from members import services as members_services
from members.models import Designation, Post
from members.school_import import import_schools
from portal.services import add_post, close_account, end_post
from tests import factories
from tests.members.test_import_schools import school_row, write_register

pytestmark = pytest.mark.django_db

URL = reverse("leaders:directory")


@pytest.fixture
def essex():
    return factories.make_la(code="881", name="Essex")


@pytest.fixture
def viewer(client, head):
    """A head who may see the directory, signed in."""
    client.force_login(head)
    return client


def _leader(*, la, name="Iris", kind=Designation.Kind.INTERIM_HEAD):
    school = factories.make_school(la=la, name=f"{name} Primary School")
    person = factories.make_head(school=school, first_name=name, last_name="Head")
    Designation.objects.create(person=person, kind=kind, evidence="DfE list", state="confirmed")
    services.list_person(person=person, availability="available", note="Two days a week")
    return person


def _signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _page(client, **query) -> str:
    response = client.get(URL, query)
    assert response.status_code == 200
    return response.content.decode()


def _built(client, **query) -> bool:
    """Whether the request built the listing (else it was served as kept)."""
    with CaptureQueriesContext(connection) as queries:
        _page(client, **query)
    return any("leaders_listing" in query["sql"] for query in queries)


def _kept(client, **query) -> str:
    """The page, once it is kept: the next request reads no listing."""
    _page(client, **query)
    assert not _built(client, **query)
    return _page(client, **query)


def test_the_listing_is_built_once_for_every_head_at_the_address(viewer, essex, staff):
    _leader(la=essex)
    another_head = _signed_in(factories.make_head(first_name="Other", last_name="Viewer"))
    page = _kept(viewer)

    assert not _built(another_head)
    assert not _built(_signed_in(staff))
    assert "Iris Head" in page and "1 leader" in page
    # Another address (a filter, a page) is built for itself.
    assert _built(viewer, availability="limited")
    assert "Iris Head" not in _page(viewer, availability="limited")


def test_a_leader_never_gets_the_link_to_write_to_themselves(viewer, essex):
    leader = _leader(la=essex)
    listing = leader.leader_listing
    link = f'<a href="{reverse("leaders:contact", args=[listing.pk])}">Write to Iris Head</a>'
    own = _signed_in(leader)

    first = _page(own)  # built for the leader
    assert not _built(viewer)
    from_kept = _page(viewer)

    assert "Iris Head" in first and link not in first
    assert link in from_kept
    assert link not in _page(own)


def test_a_name_changed_shows_at_once(viewer, essex):
    leader = _leader(la=essex)
    _kept(viewer)

    response = _signed_in(leader).post(
        reverse("portal:profile"), {"title": "Dr", "first_name": "Irene", "last_name": "Head"}
    )

    assert response.status_code == 302
    page = _page(viewer)
    assert "Dr Irene Head" in page and "Iris Head" not in page


def test_a_post_added_shows_at_once(viewer, essex):
    leader = _leader(la=essex)
    _kept(viewer)

    add_post(
        person=leader,
        school=factories.make_school(la=essex, name="Harbour Academy"),
        role=Post.Role.EXECUTIVE_HEAD,
        started_on=timezone.localdate(),
    )

    assert "Executive head, Harbour Academy (Essex, primary)" in _page(viewer)


def test_a_post_ended_shows_at_once(viewer, essex):
    leader = _leader(la=essex)
    assert "Headteacher, Iris Primary School (Essex, primary)" in _kept(viewer)

    end_post(post=leader.posts.get(), ended_on=timezone.localdate() - datetime.timedelta(days=1))

    page = _page(viewer)
    assert "Iris Head" in page and "Iris Primary School" not in page


def test_a_post_rejected_or_revoked_shows_at_once(viewer, essex, staff):
    claimant = _leader(la=essex)
    claim = factories.make_post(
        person=claimant,
        school=factories.make_school(la=essex, name="Claimed School"),
        started_on=timezone.localdate(),
        verified=False,
    )
    revocable = _leader(la=essex, name="Auto")
    automatic = revocable.posts.get()
    Post.objects.filter(pk=automatic.pk).update(verified_how=Post.How.SCHOOL_DOMAIN)
    assert "Claimed School" in _kept(viewer)  # a claim is held until it is decided

    members_services.reject_post(post=claim, how=Post.How.SITE_STAFF, by=staff)
    members_services.revoke_post(post=automatic, how=Post.How.SITE_STAFF, by=staff)

    page = _page(viewer)
    assert "Claimed School" not in page and "Auto Primary School" not in page


def test_a_head_sees_the_kept_directory_once_their_post_is_verified(viewer, essex, staff):
    _leader(la=essex)
    _kept(viewer)
    claimant = factories.make_head(verified=False)
    client = _signed_in(claimant)
    assert client.get(URL).status_code == 403

    members_services.verify_post(post=claimant.posts.get(), how=Post.How.SITE_STAFF, by=staff)

    assert "Iris Head" in _page(client)


def test_a_school_or_area_renamed_shows_at_once(viewer, essex):
    leader = _leader(la=essex)
    _kept(viewer)
    school = leader.posts.get().school

    school.name = "Iris Church of England Primary School"
    school.save()
    essex.name = "Essex County"
    essex.save()

    assert "Iris Church of England Primary School (Essex County, primary)" in _page(viewer)


def test_a_school_renamed_by_the_register_import_shows_at_once(viewer, essex, tmp_path):
    leader = _leader(la=essex)
    school = leader.posts.get().school
    _kept(viewer)
    renamed = school_row(school.urn, "Iris Academy", **{"LA (code)": "881", "LA (name)": "Essex"})

    import_schools(write_register(tmp_path / "register.csv", [renamed]))  # in bulk: no signals

    assert "Headteacher, Iris Academy (Essex, primary)" in _page(viewer)


def test_designations_confirmed_or_rejected_show_at_once(viewer, essex, staff):
    leader = _leader(la=essex)
    newcomer = factories.make_head(
        school=factories.make_school(la=essex), first_name="Nia", last_name="Head"
    )
    services.list_person(person=newcomer, availability="available")
    claimed = services.claim_designation(person=newcomer, kind="nle", evidence="DfE list")
    second = services.claim_designation(person=leader, kind="mentor", evidence="Trust list")
    page = _kept(viewer)
    assert "Nia Head" not in page and "1 leader" in page

    services.confirm_designation(designation=claimed, by=staff)
    services.confirm_designation(designation=second, by=staff)

    page = _page(viewer)
    assert "Nia Head" in page and "2 leaders" in page
    assert '<span class="badge text-bg-light border me-1">Mentor</span>' in page

    services.reject_designation(designation=claimed, by=staff)

    assert "Nia Head" not in _page(viewer)


def test_a_listing_changed_or_withdrawn_shows_at_once(viewer, essex):
    leader = _leader(la=essex)
    _kept(viewer)

    services.list_person(person=leader, availability="limited", note="Fridays only")

    page = _page(viewer)
    assert "<strong>Some availability</strong>: Fridays only" in page
    assert "Two days a week" not in page

    services.withdraw_listing(person=leader)

    page = _page(viewer)
    assert "Iris Head" not in page and "0 leaders" in page


def test_an_account_closed_or_deactivated_leaves_at_once(viewer, essex):
    closing = _leader(la=essex, name="Closing")
    leaving = _leader(la=essex, name="Leaving")
    _kept(viewer)

    close_account(person=closing)
    leaving.is_active = False
    leaving.save()

    page = _page(viewer)
    assert "Closing Head" not in page and "Leaving Head" not in page and "0 leaders" in page


def test_the_leaders_address_is_never_shown_whatever_they_choose(viewer, essex):
    leader = _leader(la=essex)
    assert leader.email not in _kept(viewer)

    _signed_in(leader).post(
        reverse("portal:profile"),
        {"first_name": "Iris", "last_name": "Head", "show_email_to_members": "on"},
    )

    page = _page(viewer)
    assert "Iris Head" in page and leader.email not in page


def test_the_next_day_shows_the_posts_held_that_day(viewer, essex):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    zone = timezone.get_current_timezone()
    leader = _leader(la=essex)
    Post.objects.filter(person=leader).update(ended_on=today)
    factories.make_post(
        person=leader,
        school=factories.make_school(la=essex, name="Next School"),
        started_on=tomorrow,
    )
    # Kept two minutes before midnight, asked for a minute after: well within the time
    # anything is kept.
    with time_machine.travel(datetime.datetime.combine(today, datetime.time(23, 58), zone)) as at:
        assert "Iris Primary School" in _kept(viewer) and "Next School" not in _page(viewer)

        at.move_to(datetime.datetime.combine(tomorrow, datetime.time(0, 1), zone))
        page = _page(viewer)

    assert "Next School" in page and "Iris Primary School" not in page


@pytest.mark.parametrize(("persona", "expected"), [("visitor", 302), ("administrator", 403)])
def test_the_kept_directory_reaches_nobody_who_may_not_see_it(
    viewer, essex, client, request, persona, expected
):
    _leader(la=essex)
    _kept(viewer)
    other = Client()
    if persona != "visitor":
        other.force_login(request.getfixturevalue(persona))

    response = other.get(URL)

    assert response.status_code == expected
    assert "Iris Head" not in response.content.decode()


def test_a_head_whose_headship_ended_is_refused_the_kept_directory(viewer, essex, head):
    _leader(la=essex)
    _kept(viewer)

    end_post(post=head.posts.get(), ended_on=timezone.localdate() - datetime.timedelta(days=1))

    assert viewer.get(URL).status_code == 403
