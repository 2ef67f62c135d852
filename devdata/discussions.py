"""Demo discussions: a few threads among OPHN's heads, with replies (one quoting another,
one edited) and one thread locked by a coordinator.

Called by seed_demo (devdata.demo) with the networks it made, after the collective voice.
Idempotent: a thread already there (by network and title) is left as it is.

Everything goes through the discussions' services, as members would post; each thread is
then dated as the story has it (started some days ago, its posts a few hours apart).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from discussions import services
from discussions.models import Post, Thread
from members.models import User
from networks.models import Network

OPHN = "oxfordshire-primary-heads"
COORDINATOR = "oxon.primary.head1@example.org"

# (title, days ago, [(author, text, quotes the post numbered)], locked)
THREADS = [
    (
        "Supply cover: which agencies are you using this year?",
        9,
        [
            (
                "oxon.primary.head4@example.org",
                "Our usual agency has put its day rate up by 15% since September. Which agencies "
                "are colleagues using, and has anyone tried sharing a **pool of supply teachers** "
                "between schools?",
                None,
            ),
            (
                "oxon.primary.head5@example.org",
                "We share two supply teachers with our neighbouring village school. We pay them "
                "directly on a termly contract, which works out cheaper than any agency.",
                None,
            ),
            (
                "primary.head@example.org",
                "How do you split the days when both schools need cover at once?",
                2,
            ),
            (
                "oxon.primary.head5@example.org",
                "First come, first served, with a shared calendar. It rarely clashes.",
                3,
            ),
        ],
        False,
    ),
    (
        "Preparing for the new Ofsted report cards",
        5,
        [
            (
                "oxon.primary.head2@example.org",
                "Has anyone been inspected under the new framework yet? I would be grateful to "
                "hear how the conversations with the lead inspector went.",
                None,
            ),
            (
                "oxon.primary.head6@example.org",
                "We were inspected last month. The inclusion evaluation area took most of the "
                "first day: have your SEND data to hand.",
                None,
            ),
        ],
        False,
    ),
    (
        "Date of the spring network meeting",
        20,
        [
            (
                "oxon.primary.head3@example.org",
                "The spring meeting will be on the first Tuesday after half term, online. The "
                "details are on the meeting's page.",
                None,
            ),
            ("oxon.primary.head4@example.org", "Thank you: in my diary.", None),
        ],
        True,
    ),
]
EDITED = "The spring meeting will be on the first Tuesday after half term, online, from 4pm."


def _thread(network: Network, title: str, days_ago: int, posts, locked: bool) -> bool:
    if Thread.objects.filter(network=network, title=title).exists():
        return False
    people = {email: User.objects.get(email=email) for email, _, _ in posts}
    first_author, first_text, _ = posts[0]
    thread = services.start_thread(
        network=network,
        author=people[first_author],
        title=title,
        body=first_text,
        notify=False,
    )
    for email, text, quotes in posts[1:]:
        quoted = thread.posts.get(number=quotes) if quotes else None
        services.add_post(
            thread=thread, author=people[email], body=text, quotes=quoted, notify=False
        )
    if title.startswith("Date of"):
        services.edit_post(post=thread.posts.get(number=1), by=people[first_author], body=EDITED)
    if locked:
        services.lock_thread(thread=thread, by=User.objects.get(email=COORDINATOR))
    started = timezone.now() - datetime.timedelta(days=days_ago)
    for post in thread.posts.all():
        when = started + datetime.timedelta(hours=3 * (post.number - 1))
        Post.objects.filter(pk=post.pk).update(
            created_at=when,
            edited_at=when + datetime.timedelta(hours=1) if post.edited_at else None,
        )
    last = started + datetime.timedelta(hours=3 * (len(posts) - 1))
    Thread.objects.filter(pk=thread.pk).update(created_at=started, last_posted_at=last)
    return True


@transaction.atomic
def seed_discussions(networks: dict[str, Network], log=print) -> None:
    """OPHN's threads."""
    made = [_thread(networks[OPHN], *thread) for thread in THREADS]
    log(
        f"Discussions ({sum(made)} of {len(made)} threads new): in OPHN, on supply cover, "
        "Ofsted's report cards and the spring meeting (locked)"
    )
