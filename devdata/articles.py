"""Demo articles and stories (docs/product.md, "The networks it is built for"): the
Roundtable's posts, Heads Up's stories.

Called by seed_demo (devdata.demo) with the networks and accounts it made.
Idempotent: an article or story already there (by title) is left as it is.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from articles import services
from articles.models import Article, Story
from members.models import User
from networks.models import Membership, Network

# The Roundtable's own titles (its public page); the text is ours.
ROUNDTABLE_ARTICLES = [
    (
        "What I have learned about supporting headteachers",
        "The first year of headship is when support counts most: what helped me, and what "
        "we now offer new heads.",
        "When I became a head I had three experienced heads beside me. They did not run my "
        "school; they asked the questions I had not thought of yet, and told me what would "
        "happen next.\n\n## What made the difference\n\n- Time with people who had done the "
        "job, in my school, on my problems.\n- Someone to ring before a hard meeting, not "
        "after it.\n- Permission to say that I did not know.\n\nEvery new head deserves the "
        "same. Our network now pairs each new head with two experienced colleagues for their "
        "first year.",
        40,
    ),
    (
        "Flexible Working",
        "Flexible working will only happen in schools if headteachers make it happen. Here is "
        "how some of us have.",
        "Recruitment and retention are the question of the decade, and flexible working is "
        "part of the answer. Nothing changes in a school unless its head decides it will.\n\n"
        "In our schools we have tried part-time leadership roles, planning time taken at "
        "home, and timetables built around the people who teach them. Not all of it worked. "
        "What did work started with asking staff what would keep them.",
        20,
    ),
    (
        "Five Years On; We Seek Influence Not Credit",
        "Looking back at the road travelled since the first Roundtable meeting.",
        "It helps now and then to look back. The heads who first met as the Roundtable wanted "
        "the profession's voice heard where policy is made. Five years on, we have met "
        "ministers, inspectors and officials, and we have learned that influence matters "
        "more than credit.\n\nWe will keep publishing what we think, in the open, and keep "
        "asking every head to add their voice.",
        5,
    ),
]

HEADS_UP_STORIES = [
    (
        "The winter I nearly walked away",
        None,
        Story.State.PUBLISHED,
        "Three years into headship I sat in the car park one January morning and could not go "
        "in. Nobody at school knew. What brought me back was a call with heads who had been "
        "there too. I am writing this so that the next head in that car park knows there are "
        "people to call.",
    ),
    (
        "Finding my feet after an inspection",
        "story-author",
        Story.State.PUBLISHED,
        "Our inspection went badly, and for a month I took it personally. The network helped "
        "me separate the judgement from the person. We are a better school now, and I am a "
        "better head for having talked about it.",
    ),
    (
        "When the governors and I disagreed",
        None,
        Story.State.SUBMITTED,
        "This is about a year of disagreement with my governing board, and what I would do "
        "differently.",
    ),
]


def _writers(network: Network) -> list[User]:
    return [
        membership.person
        for membership in network.memberships.active().select_related("person").order_by("pk")
    ]


@transaction.atomic
def seed_articles(networks: dict[str, Network], accounts: dict[str, User], log=print) -> None:
    """The Roundtable's three articles and Heads Up's stories (one anonymous published, one
    by name, one waiting for moderation)."""
    roundtable = networks["headteachers-roundtable"]
    writers = _writers(roundtable)
    now = timezone.now()
    for title, summary, body, days_ago in ROUNDTABLE_ARTICLES:
        if Article.objects.filter(network=roundtable, title=title).exists():
            continue
        article = services.create_article(
            network=roundtable,
            by=writers[0] if writers else None,
            title=title,
            summary=summary,
            body=body,
            authors=writers[:1],
        )
        services.publish_article(article=article)
        Article.objects.filter(pk=article.pk).update(
            published_at=now - datetime.timedelta(days=days_ago)
        )
    heads_up = networks["heads-up"]
    services.set_story_inbox(
        network=heads_up,
        is_open=True,
        invitation="Share your story, anonymously or otherwise, so that we and the system "
        "can learn from it.",
    )
    members = [
        membership.person
        for membership in heads_up.memberships.active()
        .filter(role=Membership.Role.MEMBER)
        .select_related("person")
    ]
    for title, author, state, body in HEADS_UP_STORIES:
        if Story.objects.filter(network=heads_up, title=title).exists():
            continue
        teller = members[0] if author and members else None
        story, _token = services.submit_story(
            network=heads_up, title=title, body=body, author=teller
        )
        if state == Story.State.PUBLISHED:
            services.publish_story(story=story)
    log("Demo articles: the Roundtable's three; Heads Up's stories")
