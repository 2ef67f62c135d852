"""Replies by email: a reply to a discussion email becomes a post by its person
(docs/rules.md, "Discussions by email").

Mail reaches us only through django-anymail's inbound webhook, mounted under the secret
EMAIL_EVENTS_PATH, and anymail has checked each request's basic-auth secret (and the
service's signature, where it signs) before its `inbound` signal reaches `receive`.
Each message is then taken, or dropped, in this order, and every one leaves an
InboundReply row (its outcome) and a log line:

1. BAD_TOKEN: no address of it (To, Cc, the envelope recipient) is a reply address
   whose token we signed and has not expired (discussions.tokens).
2. REPLAYED: a message with the same Message-ID was posted already (a webhook
   delivered twice, or a message sent again). The thread's row is locked first, so two
   deliveries at once post once.
3. WRONG_SENDER: its From is not an address of the token's person (their account's
   address or another verified one): a forwarded email cannot post for someone else.
4. AUTO_REPLY: an automatic reply (Auto-Submitted other than "no", X-Autoreply,
   X-Autorespond, Precedence auto_reply/bulk/junk, an empty return path, or an "out of
   office" or "automatic reply" subject).
5. NOT_ALLOWED: the person is no longer among the thread's readers
   (notifications.readers_q), or the thread is locked.
6. EMPTY: nothing is left once quoted text and the signature are taken out.
7. TOO_LONG: what is left is longer than a post may be (models.POST_BODY_MAX_LENGTH, the
   site's form's limit too). Dropped whole rather than cut: a post cut short would say
   something its writer did not.

Otherwise the rest is posted with services.add_post(..., by_email=True).
"""

import logging
import re
from email.utils import parseaddr
from html import unescape
from typing import Any

from allauth.account.models import EmailAddress
from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent
from django.db import transaction
from django.utils.html import strip_tags

from members.models import User

from . import access, services, tokens
from .models import POST_BODY_MAX_LENGTH, InboundReply, Thread

logger = logging.getLogger(__name__)
Outcome = InboundReply.Outcome

# Automatic replies --------------------------------------------------------------------

AUTO_PRECEDENCE = {"auto_reply", "bulk", "junk"}
# At the start only: Outlook's "Automatic reply: ...", Exchange's "Out of Office: ...". A
# reply's own subject starts "Re:", so a thread titled "Out of office hours" is safe.
AUTO_SUBJECT = re.compile(
    r"^\s*(out of (the )?office|automatic reply|auto[- ]?reply|autoreply"
    r"|away from (the )?office|on annual leave)\b",
    re.IGNORECASE,
)


def is_auto_reply(message: AnymailInboundMessage) -> bool:
    """Whether the message says, or looks like, it was sent by a machine (RFC 3834)."""
    auto_submitted = (message.get("Auto-Submitted") or "").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return True
    if (message.get("Precedence") or "").strip().lower() in AUTO_PRECEDENCE:
        return True
    # A null return path (<>) is what bounces and most auto-responders send from.
    if getattr(message, "envelope_sender", None) == "":
        return True
    return bool(AUTO_SUBJECT.search(message.subject or ""))


# Quoted text and signatures -----------------------------------------------------------

# "On Mon, 7 Dec 2026 at 09:14, Jane Smith <...> wrote:" (Gmail, Apple Mail, Thunderbird),
# which Gmail breaks over two or three lines when it is long.
ATTRIBUTION = re.compile(r"^\s*On\b.{0,400}\bwrote:\s*$", re.IGNORECASE | re.DOTALL)
# Outlook's header block ("From: ... Sent: ... To: ... Subject: ..."), after a rule of
# underscores or on its own; its plain text may star the names ("*From:*").
OUTLOOK_FROM = re.compile(r"^\s*\*?From:\*?\s", re.IGNORECASE)
OUTLOOK_NEXT = re.compile(r"^\s*\*?(Sent|Date|To|Subject|Cc):\*?\s", re.IGNORECASE)
ORIGINAL = re.compile(r"^\s*-{2,}\s*(Original Message|Forwarded message)\s*-{2,}\s*$", re.I)
RULE = re.compile(r"^\s*_{10,}\s*$")
SIGNATURE = re.compile(
    r"^(-- ?|Sent from my( \w+){1,4}\.?|Sent from (Outlook|Mail|Yahoo Mail)\b.{0,40}"
    r"|Get Outlook for (iOS|Android)\b.*)$",
    re.IGNORECASE,
)


def _starts_quote(lines: list[str], index: int) -> bool:
    line = lines[index]
    if ORIGINAL.match(line) or RULE.match(line):
        return True
    if OUTLOOK_FROM.match(line):
        following = [text for text in lines[index + 1 : index + 5] if text.strip()]
        return any(OUTLOOK_NEXT.match(text) for text in following[:3])
    if line.lstrip().lower().startswith("on "):
        for end in range(index, min(index + 3, len(lines))):
            if ATTRIBUTION.match(" ".join(text.strip() for text in lines[index : end + 1])):
                return True
    return False


def strip_reply(text: str) -> str:
    """The reply's own words: up to the quoted message or the signature, without lines
    quoted with ">" (an answer written between quoted lines keeps its own lines)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if SIGNATURE.match(line.rstrip()) or _starts_quote(lines, index):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def text_of(message: AnymailInboundMessage) -> str:
    """The message's plain text; from its HTML when it has none."""
    if message.text:
        return str(message.text)
    html = str(message.html or "")
    # What is inside <style>, <script> and <head> is not text (Outlook's CSS would be).
    html = re.sub(r"(?is)<(style|script|head|title)\b.*?</\1\s*>", "", html)
    # Outlook's quoted message starts at its reply header block (or a rule before it).
    html = re.split(r'(?i)<div[^>]*id="?divRplyFwdMsg|<hr\b', html, maxsplit=1)[0]
    html = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", html)
    html = re.sub(r"(?is)<blockquote.*?</blockquote>", "", html)
    return unescape(strip_tags(html))


# The message's facts ------------------------------------------------------------------


def message_id_of(message: AnymailInboundMessage, event_id: str | None = None) -> str:
    """Its Message-ID header, or the email service's own id for it."""
    value = (message.get("Message-ID") or "").strip()
    if not value and event_id:
        value = f"service:{event_id}"
    return value[:998]


def addresses_of(message: AnymailInboundMessage) -> list[str]:
    """Where it was sent: To, Cc and the envelope recipient."""
    found = [address.addr_spec for address in [*message.to, *message.cc]]
    envelope = getattr(message, "envelope_recipient", None)
    if envelope:
        found.append(parseaddr(envelope)[1])
    return [address for address in found if address]


def token_of(message: AnymailInboundMessage) -> tuple[User, Thread] | None:
    """The person and thread of the first good reply address it was sent to."""
    for address in addresses_of(message):
        if tokens.is_reply_address(address) and (found := tokens.read_reply_address(address)):
            return found
    return None


def failed_authentication(message: AnymailInboundMessage) -> bool:
    """Whether the receiving service found its From forged: an Authentication-Results
    header (RFC 8601) with a DMARC verdict of fail."""
    verdicts = " ".join(str(value) for value in message.get_all("Authentication-Results", []))
    return bool(re.search(r"(?i)\bdmarc\s*=\s*fail\b", verdicts))


def sent_by(person: User, message: AnymailInboundMessage) -> bool:
    """Whether its From is the person's address, or another verified address of theirs,
    and the receiving service did not find that From forged."""
    if failed_authentication(message):
        return False
    sender = message.from_email
    address = (sender.addr_spec if sender else "").strip().lower()
    if not address:
        return False
    if address == person.email.lower():
        return True
    verified = EmailAddress.objects.filter(user=person, email__iexact=address, verified=True)
    return bool(verified.exists())


# Taking it -----------------------------------------------------------------------------


def _record(
    outcome: str,
    message_id: str,
    *,
    person: User | None = None,
    thread: Thread | None = None,
    post: Any = None,
) -> InboundReply:
    reply = InboundReply.objects.create(outcome=outcome, message_id=message_id, post=post)
    where = f"person {person.pk} thread {thread.pk}" if person and thread else "no token"
    if outcome == Outcome.POSTED:
        logger.info("Reply by email posted: post %s (%s), message %s", post.pk, where, message_id)
    else:
        logger.warning(
            "Reply by email dropped (%s): %s, message %s, inbound reply %s",
            outcome,
            where,
            message_id or "without an id",
            reply.pk,
        )
    return reply


def take(message: AnymailInboundMessage, *, event_id: str | None = None) -> InboundReply:
    """Post the reply, or drop it; either way recorded (module docstring)."""
    message_id = message_id_of(message, event_id)
    found = token_of(message)
    if found is None:
        return _record(Outcome.BAD_TOKEN, message_id)
    person, thread = found
    with transaction.atomic():
        # The same message delivered twice at once: the second waits here for the first.
        thread = Thread.objects.select_for_update().get(pk=thread.pk)

        def drop(outcome: str) -> InboundReply:
            return _record(outcome, message_id, person=person, thread=thread)

        if (
            message_id
            and InboundReply.objects.filter(message_id=message_id, outcome=Outcome.POSTED).exists()
        ):
            return drop(Outcome.REPLAYED)
        if not sent_by(person, message):
            return drop(Outcome.WRONG_SENDER)
        if is_auto_reply(message):
            return drop(Outcome.AUTO_REPLY)
        # The site's rule (an earlier year's workhub is read-only, say), and no reply by
        # email to a locked thread, even a moderator's.
        if thread.is_locked or not access.person_may_post(person, thread):
            return drop(Outcome.NOT_ALLOWED)
        body = strip_reply(text_of(message))
        if not body:
            return drop(Outcome.EMPTY)
        if len(body) > POST_BODY_MAX_LENGTH:
            return drop(Outcome.TOO_LONG)
        post = services.add_post(thread=thread, author=person, body=body, by_email=True)
        return _record(Outcome.POSTED, message_id, person=person, thread=thread, post=post)


def receive(sender: object, event: AnymailInboundEvent, esp_name: str, **kwargs: object) -> None:
    """anymail's `inbound` signal, connected in DiscussionsConfig.ready()."""
    if event.message is None:
        return
    take(event.message, event_id=event.event_id)
