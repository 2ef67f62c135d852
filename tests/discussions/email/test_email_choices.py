"""A person's choices of discussion emails: the follow / mute form on a thread, and the
unsubscribe link in every discussion email (one-click too)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from announcements.tokens import unsubscribe_token
from core.models import AuditEvent
from discussions import services, tokens
from discussions.models import DiscussionPreference, ThreadFollow
from discussions.preferences import set_thread_choice
from tests import factories

pytestmark = pytest.mark.django_db
Choice = DiscussionPreference.Choice


def _choice_url(thread):
    return f"/networks/{thread.network.slug}/discussions/{thread.pk}/email/"


@pytest.mark.parametrize("choice", ["follow", "mute"])
def test_a_member_follows_or_mutes_a_thread(client, thread, jane, choice):
    client.force_login(jane)
    response = client.post(_choice_url(thread), {"choice": choice})
    assert response.status_code == 302
    assert ThreadFollow.objects.get(thread=thread, person=jane).choice == choice


def test_going_back_to_the_networks_choice_removes_the_row(client, thread, jane):
    set_thread_choice(person=jane, thread=thread, choice="mute")
    client.force_login(jane)
    client.post(_choice_url(thread), {"choice": "network"})
    assert not ThreadFollow.objects.filter(thread=thread, person=jane).exists()


def test_an_unknown_choice_changes_nothing(client, thread, jane):
    client.force_login(jane)
    assert client.post(_choice_url(thread), {"choice": "everything"}).status_code == 302
    assert not ThreadFollow.objects.filter(person=jane).exists()


def test_outsiders_may_not_follow_a_thread(client, thread, other_network):
    outsider = factories.make_head(email="outsider@school.example")
    factories.make_membership(person=outsider, network=other_network)
    client.force_login(outsider)
    assert client.post(_choice_url(thread), {"choice": "follow"}).status_code == 403
    # Under another network's address the thread is not found.
    crossed = f"/networks/{other_network.slug}/discussions/{thread.pk}/email/"
    assert client.post(crossed, {"choice": "follow"}).status_code == 404
    assert not ThreadFollow.objects.filter(person=outsider).exists()


def test_a_workhub_thread_may_be_followed_by_its_people_only(client, workhub_thread, jane):
    client.force_login(jane)  # a member of the network, not of the workhub
    assert client.post(_choice_url(workhub_thread), {"choice": "follow"}).status_code == 403


def test_the_form_on_the_thread_page_shows_the_current_choice(rf: RequestFactory, thread, jane):
    set_thread_choice(person=jane, thread=thread, choice="mute")
    request = rf.get("/")
    request.user = jane
    html = render_to_string(
        "discussions/_thread_email_choice.html", {"thread": thread, "request": request}
    )
    assert f'action="{_choice_url(thread)}"' in html
    assert 'value="mute" id="thread-email-mute" checked' in html
    assert "As for the network (every new thread)" in html


def test_a_visitor_sees_no_form(rf, thread):
    request = rf.get("/")
    request.user = AnonymousUser()
    html = render_to_string(
        "discussions/_thread_email_choice.html", {"thread": thread, "request": request}
    )
    assert "<form" not in html


def _unsubscribe_url(person, network):
    return f"/email/discussions/unsubscribe/{tokens.unsubscribe_token(person.pk, network.pk)}/"


def test_the_unsubscribe_link_asks_then_stops_the_networks_discussion_emails(
    client, network, thread, jane, author
):
    set_thread_choice(person=jane, thread=thread, choice="follow")
    url = _unsubscribe_url(jane, network)
    assert client.get(url).status_code == 200
    assert not DiscussionPreference.objects.filter(person=jane).exists()
    assert client.post(url).status_code == 200
    assert DiscussionPreference.objects.get(person=jane, network=network).choice == Choice.NONE
    # Following ends too: "stop all" stops the followed threads' emails.
    assert not ThreadFollow.objects.filter(person=jane).exists()
    assert AuditEvent.objects.filter(action="discussion_preference.changed").exists()
    mail.outbox.clear()
    services.add_post(thread=thread, author=author, body="Anyone?")
    services.start_thread(network=network, author=author, title="New", body="Thread")
    assert not [message for message in mail.outbox if message.to == [jane.email]]


def test_one_click_unsubscribe_needs_no_session_or_csrf(network, jane):
    client = Client(enforce_csrf_checks=True)
    response = client.post(_unsubscribe_url(jane, network), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert DiscussionPreference.objects.get(person=jane).choice == Choice.NONE


def test_an_altered_token_is_a_404_and_changes_nothing(client, network, other_network, jane):
    token = tokens.unsubscribe_token(jane.pk, network.pk)
    signature = token.rsplit(":", 1)[1]
    crossed = tokens.unsubscribe_token(jane.pk, other_network.pk).rsplit(":", 1)[0]
    for bad in (f"{crossed}:{signature}", "a-guess"):
        assert client.post(f"/email/discussions/unsubscribe/{bad}/").status_code == 404
    assert not DiscussionPreference.objects.exists()


def test_the_announcements_unsubscribe_leaves_discussion_emails_alone(client, network, jane):
    client.post(f"/email/unsubscribe/{unsubscribe_token(jane, network)}/")
    assert not DiscussionPreference.objects.exists()


# The preferences page (/me/email/) --------------------------------------------------


def test_the_preferences_page_offers_each_networks_discussion_emails(client, network, jane):
    DiscussionPreference.objects.create(person=jane, network=network, choice=Choice.POSTS)
    client.force_login(jane)
    html = client.get("/me/email/").content.decode()
    assert f'name="discussions-{network.pk}" value="posts" class="form-check-input"' in html
    for label in ("Every new thread", "Every post", "In the weekly digest"):
        assert label in html


def test_choosing_on_the_preferences_page_saves_both_kinds(client, network, jane):
    client.force_login(jane)
    response = client.post(
        "/me/email/", {f"network-{network.pk}": "urgent", f"discussions-{network.pk}": "digest"}
    )
    assert response.status_code == 302
    assert DiscussionPreference.objects.get(person=jane, network=network).choice == Choice.DIGEST
    assert jane.email_preferences.get(network=network).choice == "urgent"


def test_the_announcements_alone_leave_the_discussion_choice_as_it_was(client, network, jane):
    DiscussionPreference.objects.create(person=jane, network=network, choice=Choice.POSTS)
    client.force_login(jane)
    client.post("/me/email/", {f"network-{network.pk}": "every"})
    assert DiscussionPreference.objects.get(person=jane).choice == Choice.POSTS


def test_a_field_for_a_network_i_am_not_in_is_ignored(client, network, other_network, jane):
    client.force_login(jane)
    client.post("/me/email/", {f"discussions-{other_network.pk}": "posts"})
    assert not DiscussionPreference.objects.exists()


def test_an_unknown_choice_is_refused_and_nothing_saved(client, network, jane):
    client.force_login(jane)
    response = client.post(
        "/me/email/", {f"network-{network.pk}": "urgent", f"discussions-{network.pk}": "all"}
    )
    assert response.status_code == 200
    assert not DiscussionPreference.objects.exists()
    assert not jane.email_preferences.exists()


def test_a_coordinator_outside_a_workhub_reads_its_thread_without_an_email_choice(
    client, network, workhub_thread, author
):
    # The workhub's threads email only its people: a coordinator who reads them is
    # offered no choice they could not save (the form's view would refuse it).
    coordinator = factories.make_head(email="coordinator.outside@school.example")
    factories.make_membership(person=coordinator, network=network, role="coordinator")
    url = f"/networks/{network.slug}/discussions/{workhub_thread.pk}/"

    client.force_login(coordinator)
    assert "Emails about this thread" not in client.get(url).content.decode()
    client.force_login(author)
    assert "Emails about this thread" in client.get(url).content.decode()
