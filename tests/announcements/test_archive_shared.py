"""The archive's page of sent announcements is kept for all its readers under the
network's scope (core.pagecache): each write that changes what it shows is on the page
at once, and it never reaches anyone who may not read the archive."""

import datetime

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from announcements import access, privacy
from announcements.models import Announcement
from tests import factories

pytestmark = pytest.mark.django_db


def _archive(network) -> str:
    return reverse("announcements:archive", args=[network.slug])


@pytest.fixture
def sent(network, coordinator):
    return factories.make_sent_announcement(
        network=network,
        subject="Term dates",
        author=coordinator,
        sent_at=timezone.now() - datetime.timedelta(days=2),
    )


def test_an_announcement_sent_now_is_on_the_archive_its_readers_have_seen(
    client, network, member, coordinator, sent
):
    client.force_login(member)
    assert "Term dates" in client.get(_archive(network)).content.decode()
    client.force_login(coordinator)
    client.post(
        reverse("announcements:create", args=[network.slug]),
        {"subject": "Snow closures", "body": "Tell the LA.", "audience": "network"},
    )
    draft = Announcement.objects.get(subject="Snow closures")
    client.force_login(member)
    assert "Snow closures" not in client.get(_archive(network)).content.decode()
    client.force_login(coordinator)
    client.post(reverse("announcements:send", args=[network.slug, draft.pk]), {"when": "now"})
    client.force_login(member)
    page = client.get(_archive(network)).content.decode()
    assert page.index("Snow closures") < page.index("Term dates")


def test_an_author_s_new_name_is_on_the_archive(client, network, member, coordinator, sent):
    client.force_login(member)
    assert coordinator.get_full_name() in client.get(_archive(network)).content.decode()
    client.force_login(coordinator)
    client.post(reverse("portal:profile"), {"title": "", "first_name": "New", "last_name": "Name"})
    client.force_login(member)
    assert "From New Name" in client.get(_archive(network)).content.decode()


def test_a_sub_group_s_new_name_is_on_the_archive(client, network, member, coordinator):
    subgroup = factories.make_network(name="City heads", parent=network)
    factories.make_sent_announcement(
        network=network, subject="To the city", audience="subgroup", subgroup=subgroup
    )
    client.force_login(member)
    assert "everyone in City heads" in client.get(_archive(network)).content.decode()
    subgroup.name = "Town heads"
    subgroup.save()
    assert "everyone in Town heads" in client.get(_archive(network)).content.decode()


def test_the_writers_headings_are_not_the_readers(client, network, member, coordinator, sent):
    factories.make_sent_announcement(network=network, subject="A draft", state="draft")
    client.force_login(coordinator)
    assert '<h3 class="h5 mb-1"><a' in client.get(_archive(network)).content.decode()
    client.force_login(member)
    page = client.get(_archive(network)).content.decode()
    assert '<h2 class="h5 mb-1"><a' in page and "<h3" not in page and "A draft" not in page


def test_someone_outside_the_network_never_gets_the_archive_its_members_saw(
    client, network, member, head, sent
):
    client.force_login(member)
    assert client.get(_archive(network)).status_code == 200
    client.force_login(head)
    response = client.get(_archive(network))
    assert response.status_code == 403 and "Term dates" not in response.content.decode()


def test_a_sent_announcement_s_edit_is_on_the_archive(client, network, member, sent):
    client.force_login(member)
    assert "Term dates" in client.get(_archive(network)).content.decode()
    sent.subject = "Term dates, corrected"
    sent.is_urgent = True
    sent.save()
    page = client.get(_archive(network)).content.decode()
    assert "Term dates, corrected" in page and "Urgent" in page


def test_a_withdrawn_announcement_leaves_the_archive(client, network, member, sent):
    client.force_login(member)
    assert "Term dates" in client.get(_archive(network)).content.decode()
    sent.delete()
    page = client.get(_archive(network)).content.decode()
    assert "Term dates" not in page and "has sent no announcements yet" in page


def test_an_author_forgotten_is_on_the_archive(client, network, member, coordinator, sent):
    client.force_login(member)
    assert coordinator.get_full_name() in client.get(_archive(network)).content.decode()
    privacy.forget_person(coordinator)  # a queryset update: no model signal
    assert "From a former member" in client.get(_archive(network)).content.decode()


def test_a_workhub_s_and_a_meeting_s_new_names_are_on_the_archive(client, network, member):
    workhub = factories.make_workhub(network=network, name="SEND")
    meeting = factories.make_meeting(network=network, title="Spring meeting")
    factories.make_sent_announcement(
        network=network, subject="To the hub", audience="workhub", workhub=workhub
    )
    factories.make_sent_announcement(
        network=network, subject="To the meeting", audience="meeting", meeting=meeting
    )
    client.force_login(member)
    page = client.get(_archive(network)).content.decode()
    assert "the SEND workhub" in page and "Spring meeting on" in page
    workhub.name = "Inclusion"
    workhub.save()
    meeting.title = "Summer meeting"
    meeting.save()
    page = client.get(_archive(network)).content.decode()
    assert "the Inclusion workhub" in page and "Summer meeting on" in page


def test_a_later_page_of_the_archive_shows_a_send(client, network, member, coordinator):
    start = timezone.now() - datetime.timedelta(days=100)
    for day in range(25):
        factories.make_sent_announcement(
            network=network,
            subject=f"Notice {day:02}",
            sent_at=start + datetime.timedelta(days=day),
        )
    client.force_login(member)
    last = reverse("announcements:archive", args=[network.slug]) + "?page=last"
    page = client.get(last).content.decode()
    # The oldest page is a full one: the twenty oldest.
    assert "Notice 00" in page and "Notice 19" in page and "Notice 20" not in page
    factories.make_sent_announcement(network=network, subject="Notice early", sent_at=start)
    page = client.get(last).content.decode()
    assert "Notice early" in page and "Notice 18" in page and "Notice 19" not in page


def test_another_network_s_archive_never_shows_this_one_s(
    client, network, other_network, member, sent
):
    client.force_login(member)
    assert "Term dates" in client.get(_archive(network)).content.decode()
    other = factories.make_user()
    factories.make_membership(person=other, network=other_network)
    client.force_login(other)
    response = client.get(_archive(other_network))
    assert response.status_code == 200 and "Term dates" not in response.content.decode()


def test_the_archive_s_index_holds_the_states_the_archive_reads():
    index = next(i for i in Announcement._meta.indexes if i.name == "announce_archive")
    assert index.condition == Q(state__in=list(access.SENT_STATES))
