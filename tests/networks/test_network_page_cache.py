"""The parts of a network's page kept in the cache (networks.page, networks.sections): the
page shows each kind of change right after it, and what one role sees never reaches
another."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from announcements import privacy as announcement_privacy
from announcements import sending
from announcements import services as announcement_services
from articles import services as article_services
from articles.models import Article
from meetings import services as meeting_services
from networks.models import Membership, Network, NetworkPurpose
from networks.services import approve_membership, join_network, leave_network, set_role
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


# The page kept whole for each role: what a kept copy shows is what a new one shows.


def _without_tokens(html: str) -> str:
    # A CSRF token is masked anew on every page; nothing else may differ.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.mark.parametrize(
    "viewer", ["visitor", "head", "member", "coordinator", "administrator", "staff"]
)
def test_a_kept_page_is_the_page_built_anew(client, network, viewer, request):
    NetworkPurpose.objects.create(network=network, position=1, text="A collective voice")
    factories.make_workhub(network=network)
    factories.make_meeting(network=network, title="Autumn planning")
    factories.make_article(network=network, title="First thoughts")
    factories.make_sent_announcement(network=network, subject="Term dates")
    if viewer != "visitor":
        client.force_login(request.getfixturevalue(viewer))
    url = network.get_absolute_url()

    cache.clear()
    built = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        kept = client.get(url).content.decode()

    assert _without_tokens(kept) == _without_tokens(built)
    # The viewer; for a signed-in non-member, what eligibility reads (posts, invitation).
    assert len(queries) <= 3


def test_a_member_s_page_asks_only_who_they_are_once_kept(client, network, member):
    page_of(client, member, network)
    with CaptureQueriesContext(connection) as queries:
        client.get(network.get_absolute_url())

    assert len(queries) == 1  # the viewer (the session comes from the cache)


# The viewer's own membership, kept for them alone.


def test_joining_and_leaving_show_at_once_to_the_person(client, network, head):
    assert "Join " in page_of(client, head, network)

    join_network(person=head, network=network)
    assert "You are a member." in page_of(client, head, network)

    leave_network(person=head, network=network)
    html = page_of(client, head, network)
    assert "You are a member" not in html
    assert "Join " in html


def test_an_approved_request_shows_at_once(client, network, head, administrator):
    network.join_policy = Network.JoinPolicy.APPROVAL
    network.save()
    membership = join_network(person=head, network=network)
    assert "Your request to join is waiting" in page_of(client, head, network)

    approve_membership(membership=membership, by=administrator)

    assert "You are a member." in page_of(client, head, network)


def test_a_new_role_shows_at_once_to_the_person_and_to_no_one_else(
    client, network, member, administrator, head
):
    assert "Network office" not in page_of(client, member, network)

    membership = Membership.objects.get(person=member, network=network)
    set_role(membership=membership, role=Membership.Role.COORDINATOR, by=administrator)

    html = page_of(client, member, network)
    assert "You are a member (coordinator)" in html
    assert "Network office" in html
    assert "Plan a meeting" in html
    assert "Network office" not in page_of(client, head, network)


def test_a_seat_s_school_renamed_shows_at_once_in_the_membership_box(client, network):
    school = factories.make_school(name="Cherwell Primary")
    person = factories.make_head(school=school)
    factories.make_membership(person=person, network=network, school=school)
    assert "for Cherwell Primary" in page_of(client, person, network)

    school.name = "Cherwell Vale Primary"
    school.save()

    assert "for Cherwell Vale Primary" in page_of(client, person, network)


def test_one_person_s_membership_is_never_anothers(client, network, member, other_network):
    """Kept per person and per network: the same person elsewhere, and another here."""
    assert "You are a member." in page_of(client, member, network)

    assert "You are a member" not in page_of(client, member, other_network)
    other = factories.make_head()
    assert "You are a member" not in page_of(client, other, network)


# The announcements section, kept for each role: sending marks announcements sent by
# queryset updates, which tell the page themselves.


def test_an_announcement_sent_shows_at_once(client, network, member, coordinator):
    draft = factories.make_announcement(network=network, subject="Spring term dates")
    assert "Spring term dates" not in page_of(client, member, network)

    announcement_services.send_announcement(announcement=draft, by=coordinator)

    assert "Spring term dates" in page_of(client, member, network)


def test_an_announcement_starting_to_send_shows_at_once(client, network, member):
    """start_sending marks it sending by a queryset update, with no model signal."""
    draft = factories.make_announcement(network=network, subject="Spring term dates")
    assert "Spring term dates" not in page_of(client, member, network)

    sending.start_sending(draft)

    assert "Spring term dates" in page_of(client, member, network)


def test_an_announcement_recorded_as_sent_shows_at_once(client, network, member):
    draft = factories.make_announcement(network=network, subject="Spring term dates")
    assert "Spring term dates" not in page_of(client, member, network)

    sending.record_sent_without_email(draft)

    assert "Spring term dates" in page_of(client, member, network)


def test_a_scheduled_announcement_shows_when_it_goes_and_a_withdrawn_one_never(
    client, network, member, coordinator
):
    soon = timezone.now() + datetime.timedelta(hours=1)
    scheduled = factories.make_announcement(network=network, subject="Goes at ten")
    announcement_services.send_announcement(announcement=scheduled, by=coordinator, send_at=soon)
    withdrawn = factories.make_announcement(network=network, subject="Goes at eleven")
    announcement_services.send_announcement(announcement=withdrawn, by=coordinator, send_at=soon)
    announcement_services.cancel_scheduled(announcement=withdrawn, by=coordinator)
    html = page_of(client, member, network)
    assert "Goes at ten" not in html
    assert "Goes at eleven" not in html

    sending.send_due_announcements(now=soon + datetime.timedelta(minutes=1))

    html = page_of(client, member, network)
    assert "Goes at ten" in html
    assert "Goes at eleven" not in html


def test_an_announcement_saved_shows_at_once(client, network, member):
    """Any save of one names its network's scope (Announcement.page_scopes)."""
    sent = factories.make_sent_announcement(network=network, subject="Term dates")
    assert "Urgent" not in page_of(client, member, network)

    sent.is_urgent = True
    sent.save()

    assert "Urgent" in page_of(client, member, network)


def test_an_author_who_closes_their_account_shows_as_a_former_member_at_once(
    client, network, member
):
    author = factories.make_user(first_name="Ann", last_name="Author")
    factories.make_sent_announcement(network=network, subject="Term dates", author=author)
    assert "From Ann Author" in page_of(client, member, network)

    announcement_privacy.forget_person(author)

    assert "From a former member" in page_of(client, member, network)


def test_announcements_are_kept_for_members_only(
    client, network, member, coordinator, head, outsider_member
):
    factories.make_sent_announcement(network=network, subject="Only for us")
    assert "Only for us" in page_of(client, member, network)
    assert "Write an announcement" not in page_of(client, member, network)
    assert "Write an announcement" in page_of(client, coordinator, network)

    assert "Only for us" not in page_of(client, head, network)
    assert "Only for us" not in page_of(client, outsider_member, network)
    client.logout()
    assert "Only for us" not in client.get(network.get_absolute_url()).content.decode()


# The parts the same for everyone (networks.page), as a member sees them.


def test_a_new_purpose_and_a_new_workhub_show_at_once_to_a_member(client, network, member):
    page_of(client, member, network)

    NetworkPurpose.objects.create(network=network, position=1, text="A collective voice")
    factories.make_workhub(network=network, name="Reading for pleasure")

    html = page_of(client, member, network)
    assert "A collective voice" in html
    assert "Reading for pleasure" in html


def test_a_sign_in_link_to_see_the_next_meeting_is_for_visitors_only(client, network, head):
    factories.make_meeting(network=network, title="Heads only", audience="signed_in")
    url = network.get_absolute_url()
    visitor_html = client.get(url).content.decode()
    assert "Sign in to see it" in visitor_html
    assert f"?next={url}" in visitor_html.replace("%2F", "/")

    assert "Sign in to see it" not in page_of(client, head, network)
