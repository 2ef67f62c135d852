"""The parts of a network's page kept in the cache (networks.page, networks.sections): the
page shows each kind of change right after it, and what one role sees never reaches
another."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import services as article_services
from articles.models import Article
from meetings import services as meeting_services
from networks.models import Membership
from networks.services import set_role
from tests import factories
from voice import representatives

pytestmark = pytest.mark.django_db


def page_of(client, user, network) -> str:
    client.force_login(user)
    return client.get(network.get_absolute_url()).content.decode()


def test_a_changed_meeting_shows_at_once(client, network, member, coordinator):
    meeting = factories.make_meeting(network=network, title="Autumn planning")
    assert "Autumn planning" in page_of(client, member, network)

    meeting_services.update_meeting(
        meeting=meeting, changes={"title": "Winter planning"}, by=coordinator
    )

    html = page_of(client, member, network)
    assert "Winter planning" in html
    assert "Autumn planning" not in html


def test_a_meeting_that_ends_leaves_the_list_with_no_write(client, network, member):
    soon = timezone.now().replace(microsecond=0) + datetime.timedelta(minutes=1)
    factories.make_meeting(network=network, title="Short call", starts_at=soon, minutes=1)
    assert "Short call" in page_of(client, member, network)

    later = soon + datetime.timedelta(minutes=2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        html = page_of(client, member, network)

    assert "Short call" not in html


def test_a_published_article_shows_at_once(client, network, member):
    factories.make_article(network=network, title="First thoughts")
    draft = factories.make_article(
        network=network, title="Second thoughts", state=Article.State.DRAFT
    )
    assert "Second thoughts" not in page_of(client, member, network)

    article_services.publish_article(article=draft)

    assert "Second thoughts" in page_of(client, member, network)


def test_a_new_coordinator_is_listed_at_once(client, network, member, administrator):
    colleague = factories.make_user(first_name="Nia", last_name="Okafor")
    membership = factories.make_membership(person=colleague, network=network)
    assert "Nia Okafor" not in page_of(client, member, network)

    set_role(membership=membership, role=Membership.Role.COORDINATOR, by=administrator)

    assert "Nia Okafor" in page_of(client, member, network)


def test_a_new_representative_is_listed_at_once(client, network, member, coordinator):
    page_of(client, member, network)

    representatives.add_representative(
        network=network,
        by=coordinator,
        board="Schools Forum",
        term_starts_on=timezone.localdate(),
        name="Ruth Adebayo",
    )

    assert "Ruth Adebayo, on Schools Forum" in page_of(client, member, network)


def test_a_members_article_never_reaches_someone_outside(client, network, member, head):
    factories.make_article(network=network, title="Only for us", audience=Article.Audience.MEMBERS)
    assert "Only for us" in page_of(client, member, network)

    assert "Only for us" not in page_of(client, head, network)
    client.logout()
    assert "Only for us" not in client.get(network.get_absolute_url()).content.decode()


def test_a_members_meeting_is_not_shown_to_a_member_of_another_network(
    client, network, member, outsider_member
):
    factories.make_meeting(network=network, title="Heads only", audience="members")
    assert "Heads only" in page_of(client, member, network)

    assert "Heads only" not in page_of(client, outsider_member, network)


def test_a_coordinator_s_links_are_not_kept_for_members(client, network, member, coordinator):
    assert "Plan a meeting" in page_of(client, coordinator, network)

    assert "Plan a meeting" not in page_of(client, member, network)


def test_the_viewer_s_own_place_is_theirs(client, network, member, coordinator):
    """The shared parts are kept; whose membership the box speaks of is not."""
    assert "You are a member (coordinator)" in page_of(client, coordinator, network)

    html = page_of(client, member, network)

    assert "You are a member." in html
    assert "(coordinator)" not in html.split("Who runs it")[0]


def test_the_page_asks_three_queries_fewer_once_kept(client, network, member):
    client.force_login(member)
    with CaptureQueriesContext(connection) as first:
        client.get(network.get_absolute_url())
    with CaptureQueriesContext(connection) as again:
        client.get(network.get_absolute_url())

    assert len(again) <= len(first) - 3
