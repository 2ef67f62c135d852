"""Discussions for the permission matrix's scene (tests/test_url_matrix.py).

`network` has an open thread started by the colleague (its second post the colleague's
too, so no persona may edit or remove a post in it), a locked thread, a thread of the
scene's workhub (the colleague is its lead) and an open report on the colleague's post;
`other_network` has a thread of its own. Nothing here is a persona's.
"""

from discussions import services
from networks.models import Network, Workhub
from tests import factories


def discussions_scene(
    network: Network, other_network: Network, colleague, workhub: Workhub
) -> dict:
    thread = factories.make_thread(
        network=network, author=colleague, title="Supply cover", replies=1
    )
    locked = factories.make_thread(network=network, author=colleague, title="Closed topic")
    services.lock_thread(thread=locked, by=colleague)
    workhub_thread = factories.make_thread(
        network=network, author=colleague, title="SEND funding", workhub=workhub
    )
    reporter = factories.make_head(email="reporter@school.example")
    factories.make_membership(person=reporter, network=network)
    post = thread.posts.get(number=2)
    report = services.report_post(post=post, by=reporter, reason="Off topic")
    other_thread = factories.make_thread(network=other_network, title="Elsewhere's thread")
    other_report = services.report_post(
        post=other_thread.posts.get(), by=factories.make_head(), reason="Rude"
    )
    return {
        "thread": thread,
        "locked_thread": locked,
        "workhub_thread": workhub_thread,
        "post_report": report,
        "other_thread": other_thread,
        "other_post_report": other_report,
    }
