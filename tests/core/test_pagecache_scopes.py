"""Each kind of write shows at once on the cached pages that show it, as a visitor sees them,
and a write to one network leaves the other networks' cached pages alone."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.db.models.deletion import Collector
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import services as article_services
from core import pagecache
from discussions.models import Post, PostNotification, ThreadFollow
from meetings import services as meeting_services
from meetings.models import Meeting
from networks import services as network_services
from networks.models import ContactMessage, EmailPreference, Membership, Network, NetworkPurpose
from networks.services.memberships import set_role
from networks.services.workhubs import join_workhub
from portal.services import close_account
from tests import factories
from voice import representatives

pytestmark = pytest.mark.django_db

PUBLIC = Meeting.Audience.PUBLIC


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _network_pages(network) -> list[str]:
    return [
        reverse("networks:detail", args=[network.slug]),
        reverse("meetings:network_schedule", args=[network.slug]),
        reverse("meetings:network_feed", args=[network.slug]),
        reverse("articles:list", args=[network.slug]),
        reverse("networks:workhubs", args=[network.slug]),
    ]


def _cached(client, urls: list[str]) -> None:
    for url in urls:
        _page(client, url)
        assert _queries(client, url) == 0, url  # served from the cache from now on


def test_an_edited_network_shows_on_its_page_the_directory_home_and_meeting_lists(client):
    network = factories.make_network(name="Cherwell Primary Heads")
    factories.make_meeting(network=network, audience=PUBLIC)
    urls = [
        reverse("networks:detail", args=[network.slug]),
        reverse("networks:directory"),
        reverse("home"),
        reverse("meetings:list"),
    ]
    _cached(client, urls)

    network.name = "North Oxfordshire Primary Heads"  # as the admin's form saves it
    network.save()

    for url in urls:
        assert "North Oxfordshire Primary Heads" in _page(client, url), url


def test_a_network_given_a_new_address_is_no_longer_served_at_the_old_one(client):
    network = factories.make_network(name="Cherwell Primary Heads")
    old = reverse("networks:detail", args=[network.slug])
    _cached(client, [old])

    network = Network.objects.get(pk=network.pk)  # loaded, as the admin loads it
    network.slug = "north-oxfordshire"
    network.save()

    assert client.get(old).status_code == 404


def test_a_sub_group_renamed_shows_on_its_parents_page(client):
    parent = factories.make_network(name="Oxfordshire Heads")
    subgroup = factories.make_network(name="Cherwell Heads", parent=parent)
    url = reverse("networks:detail", args=[parent.slug])
    _cached(client, [url])

    subgroup.name = "North Oxfordshire Heads"
    subgroup.save()

    assert "North Oxfordshire Heads" in _page(client, url)


def test_a_sub_group_moved_leaves_its_old_parents_page_and_joins_the_new_ones(client):
    old_parent = factories.make_network(name="Oxfordshire Heads")
    new_parent = factories.make_network(name="Thames Valley Heads")
    subgroup = factories.make_network(name="Cherwell Heads", parent=old_parent)
    old_url = reverse("networks:detail", args=[old_parent.slug])
    new_url = reverse("networks:detail", args=[new_parent.slug])
    _cached(client, [old_url, new_url])
    assert "Cherwell Heads" in _page(client, old_url)

    subgroup = Network.objects.get(pk=subgroup.pk)  # as the admin loads it
    subgroup.parent = new_parent
    subgroup.save()

    assert "Cherwell Heads" not in _page(client, old_url)
    assert "Cherwell Heads" in _page(client, new_url)


def test_a_new_purpose_shows_on_the_network_page(client):
    network = factories.make_network()
    url = reverse("networks:detail", args=[network.slug])
    _cached(client, [url])

    NetworkPurpose.objects.create(network=network, text="Moderating writing together")

    assert "Moderating writing together" in _page(client, url)


def test_a_published_meeting_shows_on_every_page_that_lists_it(client):
    network = factories.make_network()
    urls = [*_network_pages(network)[:3], reverse("meetings:list"), reverse("home")]
    _cached(client, urls)

    starts_at = timezone.now() + datetime.timedelta(days=9)
    meeting = meeting_services.create_meeting(
        network=network,
        by=None,
        title="Spring conference",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        audience=PUBLIC,
        venue_address="County Hall, Oxford",
    )
    meeting_services.publish_meeting(meeting=meeting)

    for url in urls:
        assert "Spring conference" in _page(client, url), url


def test_an_edited_meeting_shows_on_its_page_and_every_list(client):
    network = factories.make_network()
    meeting = factories.make_meeting(network=network, title="Spring meeting", audience=PUBLIC)
    urls = [
        *_network_pages(network)[:3],
        reverse("meetings:list"),
        reverse("home"),
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("meetings:ics", args=[meeting.pk]),
    ]
    _cached(client, urls)

    meeting_services.update_meeting(meeting=meeting, changes={"title": "Summer meeting"})

    for url in urls:
        page = _page(client, url)
        assert "Summer meeting" in page, url
        assert "Spring meeting" not in page, url


def test_a_cancelled_meeting_shows_as_cancelled_on_its_page_and_the_lists(client):
    network = factories.make_network()
    meeting = factories.make_meeting(network=network, title="Spring meeting", audience=PUBLIC)
    urls = [
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("meetings:network_schedule", args=[network.slug]),
        reverse("meetings:list"),
    ]
    pages = [_page(client, url) for url in urls]
    assert not any("Cancelled" in page for page in pages)

    meeting_services.cancel_meeting(meeting=meeting, reason="Snow")

    for url in urls:
        assert "Cancelled" in _page(client, url), url


def test_a_registration_shows_in_the_persons_feed_and_in_the_places_left(client):
    network = factories.make_network()
    meeting = factories.make_meeting(
        network=network, title="Spring briefing", audience=PUBLIC, capacity=30
    )
    person = factories.make_head()  # not a member: the meeting is in their feed once registered
    feed = meeting_services.calendar_feed_for(person).get_absolute_url()
    schedule = reverse("meetings:network_schedule", args=[network.slug])
    _cached(client, [feed, schedule])
    assert "Spring briefing" not in _page(client, feed)
    assert "30 places left" in _page(client, schedule)

    meeting_services.register(meeting=meeting, person=person, confirm=False)

    assert "Spring briefing" in _page(client, feed)
    assert "29 places left" in _page(client, schedule)


def test_joining_a_network_brings_its_meetings_into_the_persons_feed(client):
    network = factories.make_network()
    factories.make_meeting(network=network, title="Members' meeting")
    person = factories.make_head()
    feed = meeting_services.calendar_feed_for(person).get_absolute_url()
    _cached(client, [feed])
    assert "Members' meeting" not in _page(client, feed)

    network_services.join_network(person=person, network=network)

    assert "Members' meeting" in _page(client, feed)


def test_a_published_article_shows_on_its_page_the_network_page_and_home(client):
    network = factories.make_network()
    article = article_services.create_article(
        network=network, by=None, title="On governance", summary="Boards.", body="Text."
    )
    urls = [
        reverse("networks:detail", args=[network.slug]),
        reverse("articles:list", args=[network.slug]),
        reverse("articles:feed", args=[network.slug]),
        reverse("home"),
    ]
    _cached(client, urls)
    detail = reverse("articles:detail", args=[network.slug, article.slug])
    assert client.get(detail).status_code == 404  # a draft

    article_services.publish_article(article=article)

    for url in [*urls, detail]:
        assert "On governance" in _page(client, url), url


def test_a_new_coordinator_shows_on_the_network_page(client):
    network = factories.make_network()
    administrator = factories.make_head()
    factories.make_membership(
        person=administrator, network=network, role=Membership.Role.ADMINISTRATOR
    )
    member = factories.make_head(first_name="Ayesha", last_name="Khan")
    membership = factories.make_membership(person=member, network=network)
    url = reverse("networks:detail", args=[network.slug])
    _cached(client, [url])
    assert "Ayesha Khan" not in _page(client, url)

    set_role(membership=membership, role=Membership.Role.COORDINATOR, by=administrator)

    assert "Ayesha Khan" in _page(client, url)


def test_a_workhub_lead_joining_shows_on_the_workhub_page(client):
    network = factories.make_network()
    workhub = factories.make_workhub(network=network, name="Writing moderation")
    person = factories.make_head(first_name="Ayesha", last_name="Khan")
    factories.make_membership(person=person, network=network)
    url = reverse("networks:workhub", args=[network.slug, workhub.slug])
    _cached(client, [url])

    place = join_workhub(person=person, workhub=workhub)
    place.is_lead = True
    place.save()

    assert "Ayesha Khan" in _page(client, url)


def test_a_new_representative_shows_on_the_network_page(client):
    """A section another app adds to the network page follows its network's scope too."""
    network = factories.make_network()
    url = reverse("networks:detail", args=[network.slug])
    _cached(client, [url])

    representatives.add_representative(
        network=network,
        by=None,
        board="the Schools Forum",
        term_starts_on=timezone.localdate(),
        name="Pat Outside",
    )

    assert "Pat Outside" in _page(client, url)


def test_a_representative_closing_their_account_shows_as_a_former_member(client):
    network = factories.make_network()
    person = factories.make_head(first_name="Ayesha", last_name="Khan")
    factories.make_membership(person=person, network=network)
    representatives.add_representative(
        network=network, by=None, board="the Schools Forum", term_starts_on=timezone.localdate(),
        person=person,
    )  # fmt: skip
    url = reverse("networks:detail", args=[network.slug])
    _cached(client, [url])
    assert "Ayesha Khan" in _page(client, url)

    close_account(person=person)

    page = _page(client, url)
    assert "Ayesha Khan" not in page
    assert "Former member" in page


def test_an_area_given_a_network_from_the_areas_side_shows_in_the_filtered_directory(client):
    network = factories.make_network(name="Cherwell Primary Heads")
    oldham = factories.make_la(code="353", name="Oldham")
    factories.make_network(name="Oldham Heads", areas=[oldham])
    url = reverse("networks:directory") + "?area=353"
    _cached(client, [url])
    assert "Cherwell Primary Heads" not in _page(client, url)

    oldham.networks.add(network)  # the reverse side of Network.areas

    assert "Cherwell Primary Heads" in _page(client, url)


def test_a_page_whose_scope_version_was_evicted_is_built_again(client):
    network = factories.make_network()
    url = reverse("networks:detail", args=[network.slug])
    _cached(client, [url])

    cache.delete(pagecache._version_key(f"network:{network.slug}"))

    assert _queries(client, url) > 0
    assert _queries(client, url) == 0


def test_an_address_that_does_not_exist_leaves_nothing_in_the_cache(client):
    """Versions are made only for pages kept: made-up addresses cannot fill the cache."""
    assert client.get(reverse("networks:detail", args=["no-such-network"])).status_code == 404
    assert client.get(reverse("meetings:personal_feed", args=["made-up"])).status_code == 404

    assert cache.get(pagecache._version_key("network:no-such-network")) is None
    assert cache.get(pagecache._version_key("calendar:made-up")) is None


def test_a_signed_in_persons_made_up_address_leaves_a_version_that_expires(client):
    """Signed-in pages read versions too; one for a made-up address goes in a day."""
    client.force_login(factories.make_head())
    assert client.get(reverse("networks:detail", args=["no-such-network"])).status_code == 404

    key = pagecache._version_key("network:no-such-network")
    assert cache.get(key) is not None
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1, minutes=1)):
        assert cache.get(key) is None


def test_a_personal_feeds_token_is_not_written_in_the_cache_s_keys(client):
    person = factories.make_head()
    feed = meeting_services.calendar_feed_for(person)
    assert client.get(feed.get_absolute_url()).status_code == 200

    assert feed.token not in pagecache._version_key(f"calendar:{feed.token}")
    assert cache.get(pagecache._version_key(f"calendar:{feed.token}")) is not None


def test_a_write_to_one_network_leaves_the_other_networks_pages_cached(client):
    """The point of versions per network: B's pages cost no query after writes to A."""
    network_a = factories.make_network(name="Cherwell Primary Heads")
    network_b = factories.make_network(name="Wantage Heads Together")
    factories.make_meeting(network=network_b, audience=PUBLIC)
    administrator, member = factories.make_head(), factories.make_head()
    factories.make_membership(
        person=administrator, network=network_a, role=Membership.Role.ADMINISTRATOR
    )
    membership = factories.make_membership(person=member, network=network_a)
    urls_b = _network_pages(network_b)
    _cached(client, urls_b)

    network_a.summary = "Heads of the primary schools of Cherwell"
    network_a.save()
    meeting = factories.make_meeting(network=network_a, audience=PUBLIC)
    meeting_services.update_meeting(meeting=meeting, changes={"title": "Summer meeting"})
    meeting_services.register(meeting=meeting, person=member, confirm=False)
    factories.make_article(network=network_a)
    set_role(membership=membership, role=Membership.Role.COORDINATOR, by=administrator)

    for url in urls_b:
        assert _queries(client, url) == 0, url


def test_a_watched_model_that_names_no_scopes_forgets_every_page(client):
    """Forgetting to name a model's scopes is slower, never stale: a school renamed."""
    school = factories.make_school(name="Bicester Primary School")
    network = factories.make_network()
    factories.make_membership(
        person=factories.make_head(school=school),
        network=network,
        role=Membership.Role.COORDINATOR,
    )
    url = reverse("networks:detail", args=[network.slug])
    _cached(client, [url])
    assert not hasattr(school, "page_scopes")
    assert pagecache.scopes_of(school) == [pagecache.SITE]

    school.name = "Bicester Hill School"
    school.save()

    assert "Bicester Hill School" in _page(client, url)


def test_a_model_no_page_shows_keeps_djangos_fast_delete_and_a_shown_one_does_not():
    """Fast delete is one DELETE; a model with the cache's signals is deleted row by row."""
    collector = Collector(using="default")

    assert collector.can_fast_delete(ContactMessage.objects.all())
    assert collector.can_fast_delete(EmailPreference.objects.all())
    # A discussion's email records and choices are on no kept page; its posts are.
    assert collector.can_fast_delete(PostNotification.objects.all())
    assert collector.can_fast_delete(ThreadFollow.objects.all())
    assert not collector.can_fast_delete(Post.objects.all())
    # A purpose has no relations of its own: only the cache's signals make it slow.
    assert not collector.can_fast_delete(NetworkPurpose.objects.all())
