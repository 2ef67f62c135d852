"""A reply by email delivered twice at the same moment (an email service retrying a
webhook it thinks timed out) is posted once: the thread's row is locked before the
Message-ID is looked up (discussions.inbound.take)."""

from anymail.inbound import AnymailInboundMessage

from discussions import inbound, tokens
from discussions.models import InboundReply, Post
from tests.concurrency import POSTGRES_ONLY, at_the_same_moment
from tests.discussions.email.test_inbound import sample

pytestmark = POSTGRES_ONLY


def test_the_same_reply_twice_at_once_posts_once(thread, jane):
    address = tokens.reply_address(jane.pk, thread.pk)
    raw = sample("gmail.eml", to=address)
    results, errors = at_the_same_moment(
        [lambda: inbound.take(AnymailInboundMessage.parse_raw_mime(raw)).outcome] * 2
    )
    assert errors == []
    assert sorted(results) == [InboundReply.Outcome.POSTED, InboundReply.Outcome.REPLAYED]
    assert Post.objects.filter(thread=thread, by_email=True).count() == 1
