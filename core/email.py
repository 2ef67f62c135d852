"""Outgoing email goes through Django's tasks framework.

A request never waits on the mail server: it enqueues a task and carries on.
With the database queue a failed send is tried again later, with a growing
pause, before it is given up and logged.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.tasks import default_task_backend, task
from django.utils import timezone

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def queue_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html_body: str = "",
    reply_to: list[str] | None = None,
    from_email: str | None = None,
) -> None:
    """Send an email in the background."""
    send_email.enqueue(
        subject=subject,
        body=body,
        to=list(to),
        html_body=html_body,
        reply_to=list(reply_to or []),
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        attempt=1,
    )


def queue_message(message: EmailMessage) -> None:
    """Send an already rendered EmailMessage (allauth's) in the background."""
    html_body = ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html_body = content
    queue_email(
        subject=message.subject,
        body=message.body,
        to=message.to,
        html_body=html_body,
        reply_to=message.reply_to,
        from_email=message.from_email,
    )


@task()
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html_body: str,
    reply_to: list[str],
    from_email: str,
    attempt: int,
) -> None:
    """Deliver one email now; on failure queue another attempt if the queue can wait."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email, to=to, reply_to=reply_to
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    try:
        message.send()
    except Exception:
        if attempt >= MAX_ATTEMPTS or not default_task_backend.supports_defer:
            logger.exception("Email %r to %s failed on attempt %s", subject, to, attempt)
            raise
        logger.warning("Email %r to %s failed on attempt %s; will retry", subject, to, attempt)
        send_email.using(run_after=timezone.now() + timedelta(minutes=2**attempt)).enqueue(
            subject=subject,
            body=body,
            to=to,
            html_body=html_body,
            reply_to=reply_to,
            from_email=from_email,
            attempt=attempt + 1,
        )
