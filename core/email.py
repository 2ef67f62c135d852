"""Outgoing email goes through Django's tasks framework.

A request never waits on the mail server: it stores the email and enqueues a
task with its id, in one transaction. With the database queue a failed send is
tried again later, with a growing pause, for about a day before it is given up
and logged. Every attempt carries the same Message-ID, so a send the mail server
took but did not confirm, then sent again, is one message to the receiving
servers. Task rows carry no message, and a sent email is deleted, so neither
keeps sign-in codes or links.

An attachment (a meeting's calendar file) is made when the email is sent, by a maker an
app registers under a name, from the ids the task carries: neither the stored email nor
the task row holds the file.
"""

import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage as MIMEMessage
from email.policy import EmailPolicy, Policy
from email.policy import default as default_policy
from email.utils import parseaddr
from typing import TypedDict

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import InterfaceError, OperationalError, connection, transaction
from django.tasks import Task, default_task_backend, task
from django.template import Context
from django.template.backends.django import Template as DjangoTemplate
from django.template.loader import get_template
from django.utils import timezone

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

# Contact messages (networks.tasks) give up after this many; their sweep command
# (send_unsent_contact_messages) sends what is left.
MAX_ATTEMPTS = 5
# An email has no sweep, so it keeps trying: with the default pauses (2 minutes,
# doubling up to an hour) 30 attempts last about a day, and a mail server that is
# down overnight loses nothing.
EMAIL_MAX_ATTEMPTS = 30
SITE_NAME = "Headnet"
# RFC 5322's limit on a line of a message; Python's email package folds at 78 by default.
LONGEST_LINE = 998


def _transfer_encoding(body: str) -> str:
    """7bit for plain ASCII, 8bit otherwise: never quoted-printable, whose soft line
    breaks ("=" at column 76) cut long links in two wherever the raw text is read
    (the development console, a copy from the message source, some clients)."""
    if body.isascii() and all(len(line) <= LONGEST_LINE for line in body.splitlines()):
        return "7bit"
    return "8bit"


class PlainTextEmail(EmailMultiAlternatives):
    """An email whose plain-text body is sent unencoded, so a link stays on one line."""

    def _add_bodies(self, msg: MIMEMessage) -> None:
        # A private hook of Django's EmailMessage (6.0's message()), not in django-stubs.
        super()._add_bodies(msg)  # type: ignore[misc]
        if not self.body:
            return
        body = str(self.body)
        part = msg.get_body(("plain",)) if msg.is_multipart() else msg
        if part is None:  # cannot happen: Django has just added the plain body
            return
        part.set_content(
            body,
            subtype="plain",
            charset=self.encoding or settings.DEFAULT_CHARSET,
            cte=_transfer_encoding(body),
        )


class _HeaderClasses(HeaderRegistry):
    """Python's header registry, keeping the class it makes for each header name.

    The standard one makes a new class (`type(...)`) for every header of every message,
    which is over a third of the time it takes to build an announcement's copy; the
    classes are the same each time and hold no state, only their instances do.
    """

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


_HEADER_CLASSES = _HeaderClasses()


class ListEmail(PlainTextEmail):
    """Bulk mail, with list headers: folded at RFC 5322's limit of 998, not at 78.

    A List-Unsubscribe link with its token is longer than 78 characters and has no space
    to fold at, so Python's email package would rewrite it as encoded words (RFC 2047),
    which no mail program reads as a link. Built with the header classes kept, as bulk
    mail is built thousands of times over.
    """

    def message(self, *, policy: Policy | None = None) -> MIMEMessage:
        policy = (policy or default_policy).clone(max_line_length=LONGEST_LINE)
        # Only in place of the standard registry: a policy with its own keeps it.
        if isinstance(policy, EmailPolicy) and type(policy.header_factory) is HeaderRegistry:
            policy = policy.clone(header_factory=_HEADER_CLASSES)
        return super().message(policy=policy)


# name -> maker(**ids) returning (filename, content, mimetype), or None for nothing to attach.
Attachment = tuple[str, bytes, str]
_attachment_makers: dict[str, Callable[..., Attachment | None]] = {}


class AttachmentSpec(TypedDict):
    """What the task carries for an attachment: a registered maker's name and its ids."""

    maker: str
    ids: dict[str, int]


def register_attachment(name: str, maker: Callable[..., Attachment | None]) -> None:
    """Let emails attach what `maker` makes (called at send time with the ids given)."""
    _attachment_makers[name] = maker


def _attachment_of(attachment: AttachmentSpec | None) -> Attachment | None:
    if not attachment:
        return None
    return _attachment_makers[attachment["maker"]](**attachment["ids"])


def queue_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html_body: str = "",
    reply_to: list[str] | None = None,
    from_email: str | None = None,
    attachment: AttachmentSpec | None = None,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Send an email in the background: stored, then sent by a task that carries its id
    (and, for an attachment, {"maker": registered name, "ids": {...}}). `headers` are
    added to the message (bulk mail's List-Id, List-Unsubscribe); its Message-ID is ours."""
    # One transaction: an email stored without its task would never be sent.
    with transaction.atomic():
        email = OutgoingEmail.objects.create(
            subject=subject,
            body=body,
            to=list(to),
            html_body=html_body,
            reply_to=list(reply_to or []),
            from_email=from_email or settings.DEFAULT_FROM_EMAIL,
            headers=dict(headers or {}),
        )
        extra = {"attachment": attachment} if attachment else {}
        send_email.enqueue(email_id=email.pk, attempt=1, **extra)


def message_id_for(email: OutgoingEmail) -> str:
    """The same Message-ID for every attempt at one email, telling nothing about it."""
    # Keyed with the secret, so the header neither counts our emails nor can be guessed.
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"outgoing-email:{email.pk}".encode(), hashlib.sha256
    ).hexdigest()[:32]
    domain = parseaddr(email.from_email)[1].rpartition("@")[2] or "headnet.localhost"
    return f"<{digest}@{domain}>"


def _render_text(template_name: str, context: Mapping[str, object]) -> str:
    """Render a plain-text template with autoescaping off."""
    template = get_template(template_name)
    # A subject or text body is not HTML: escaping would turn "Heads' Forum"
    # into "Heads&#x27; Forum" in the reader's inbox. Only the Django engine's own
    # template takes a Context, which can turn it off.
    if not isinstance(template, DjangoTemplate):
        raise TypeError(f"{template_name} must be a template of the Django engine")
    return template.template.render(Context(dict(context), autoescape=False))


def render_email(template_prefix: str, context: Mapping[str, object]) -> tuple[str, str]:
    """Subject and body from `<prefix>_subject.txt` and `<prefix>_message.txt`."""
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    subject = _render_text(f"{template_prefix}_subject.txt", context)
    subject = settings.EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    body = _render_text(f"{template_prefix}_message.txt", context)
    return subject, body


def queue_templated_email(
    template_prefix: str,
    *,
    to: list[str],
    context: Mapping[str, object],
    reply_to: list[str] | None = None,
    attachment: AttachmentSpec | None = None,
) -> None:
    """Render an email from templates and send it in the background."""
    subject, body = render_email(template_prefix, context)
    queue_email(subject=subject, body=body, to=to, reply_to=reply_to, attachment=attachment)


def queue_message(message: EmailMessage) -> None:
    """Send an already rendered EmailMessage (allauth's) in the background."""
    html_body = ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html_body = content
    queue_email(
        subject=str(message.subject),
        body=str(message.body),
        to=message.to,
        html_body=html_body,
        reply_to=message.reply_to,
        from_email=message.from_email,
    )


def retry_pause(attempt: int) -> timedelta:
    """How long to wait after the given failed attempt: doubling, up to a ceiling."""
    seconds = settings.EMAIL_RETRY_SECONDS * 2 ** (attempt - 1)
    return timedelta(seconds=min(seconds, settings.EMAIL_RETRY_MAX_SECONDS))


def retry_later(
    failed_task: Task[..., None],
    *,
    attempt: int,
    max_attempts: int = MAX_ATTEMPTS,
    **kwargs: object,
) -> bool:
    """Queue the task again after a growing pause; False when it should give up.

    Only a queue that can wait (the database one) can retry; the immediate
    backend of the embedded default cannot.
    """
    if attempt >= max_attempts or not default_task_backend.supports_defer:
        return False
    run_after = timezone.now() + retry_pause(attempt)
    failed_task.using(run_after=run_after).enqueue(attempt=attempt + 1, **kwargs)
    return True


# A database restart takes a second or two. The task's own reads and writes wait
# that long rather than fail at once: the worker would queue a task that failed for
# the database again (core.worker), but waiting here costs no second run.
DATABASE_WAIT_SECONDS = 15


def _through_a_restart[T](query: Callable[[], T]) -> T:
    """Run a database call, waiting out a restart of the database server."""
    deadline = time.monotonic() + DATABASE_WAIT_SECONDS
    while True:
        try:
            return query()
        except (OperationalError, InterfaceError):
            if time.monotonic() > deadline:
                raise
            connection.close()  # the next call connects again
            time.sleep(0.5)


@task()
def send_email(*, email_id: int, attempt: int, attachment: AttachmentSpec | None = None) -> None:
    """Deliver one stored email now and forget it; on failure try again later if the queue
    can wait."""
    email = _through_a_restart(OutgoingEmail.objects.filter(pk=email_id).first)
    if email is None:
        return  # already sent (a task run twice), or its person closed their account
    message = (ListEmail if email.headers else PlainTextEmail)(
        subject=email.subject,
        body=email.body,
        from_email=email.from_email,
        to=email.to,
        reply_to=email.reply_to,
        headers={**email.headers, "Message-ID": message_id_for(email)},
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    extra = {"attachment": attachment} if attachment else {}
    try:
        made = _attachment_of(attachment)
        if made:
            message.attach(*made)
        message.send()
    except Exception:
        OutgoingEmail.objects.filter(pk=email.pk).update(attempts=attempt)
        retried = retry_later(
            send_email,
            attempt=attempt,
            max_attempts=EMAIL_MAX_ATTEMPTS,
            email_id=email.pk,
            **extra,
        )
        if not retried:
            logger.exception("Email %s failed on attempt %s; giving up", email.pk, attempt)
            raise
        logger.warning("Email %s failed on attempt %s; will retry", email.pk, attempt)
        return
    # Sent: a failure to forget it now would leave it to be sent again.
    _through_a_restart(OutgoingEmail.objects.filter(pk=email.pk).delete)
