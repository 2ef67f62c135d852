"""A person's discussions in "Download my data" (discussions.privacy, through
portal.services): their posts, their choice of discussion emails per network, and the
threads they follow or muted; nothing of anyone else's."""

import json

import pytest

from discussions import services
from discussions.models import DiscussionPreference
from discussions.preferences import set_network_choice, set_thread_choice
from portal import services as portal_services
from tests import factories

pytestmark = pytest.mark.django_db


def _export(person) -> dict:
    # As the download writes it: everything must survive JSON.
    return json.loads(json.dumps(portal_services.personal_data(person), default=str))


def test_the_download_has_the_persons_email_choices_follows_and_mutes(
    network, other_network, thread, author, jane
):
    factories.make_membership(person=jane, network=other_network)
    set_network_choice(person=jane, network=network, choice=DiscussionPreference.Choice.POSTS)
    set_network_choice(
        person=jane, network=other_network, choice=DiscussionPreference.Choice.DIGEST
    )
    set_thread_choice(person=jane, thread=thread, choice="mute")
    mine = services.start_thread(network=network, author=jane, title="Cover rates", body="?")
    data = _export(jane)
    assert [(c["network"], c["choice"]) for c in data["discussion_email_choices"]] == [
        (network.name, "Every post"),
        (other_network.name, "In the weekly digest"),
    ]
    assert [
        (f["network"], f["thread"], f["choice"])
        for f in data["discussion_threads_followed_or_muted"]
    ] == [
        (network.name, mine.title, "Following: an email for every post"),
        (network.name, thread.title, "Muted: no emails"),
    ]
    assert [p["thread"] for p in data["discussion_posts"]] == [mine.title]


def test_the_download_holds_no_one_elses_choices_or_follows(network, thread, author, jane):
    set_network_choice(person=author, network=network, choice=DiscussionPreference.Choice.NONE)
    secret = services.start_thread(network=network, author=author, title="Not jane's", body="B")
    data = _export(jane)
    # jane made no choice (every new thread) and follows nothing: the author's are theirs.
    assert data["discussion_email_choices"] == []
    assert data["discussion_threads_followed_or_muted"] == []
    assert secret.title not in json.dumps(data)
    assert [c["choice"] for c in _export(author)["discussion_email_choices"]] == ["None"]
