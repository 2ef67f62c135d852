"""Threads for the permission matrix's scene (tests/test_url_matrix.py), for the pages of
the discussion emails: a thread in `network` and one in `other_network`, started by
people who are none of the personas; and a reply by email taken in it (the admin's
list of replies)."""

from discussions import services
from discussions.models import InboundReply
from members.models import User
from networks.models import Network
from tests import factories


def discussion_email_scene(network: Network, other_network: Network, colleague: User) -> dict:
    stranger = factories.make_head(email="other.thread.author@school.example")
    factories.make_membership(person=stranger, network=other_network)
    thread = services.start_thread(
        network=network, author=colleague, title="Moderation tips", body="Share yours."
    )
    InboundReply.objects.create(
        outcome=InboundReply.Outcome.POSTED,
        message_id="<scene-reply@mail.example>",
        post=services.add_post(thread=thread, author=colleague, body="By email.", by_email=True),
    )
    return {
        "email_thread": thread,
        "other_email_thread": services.start_thread(
            network=other_network, author=stranger, title="Elsewhere", body="Not yours."
        ),
    }
