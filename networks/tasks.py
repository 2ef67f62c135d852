import logging

from django.tasks import task
from django.utils import timezone

from core.email import PlainTextEmail, render_email, retry_later

from .contact import contact_route, reply_to
from .models import ContactMessage

logger = logging.getLogger(__name__)


@task()
def deliver_contact_message(*, contact_id: int, attempt: int = 1) -> None:
    """Email a stored contact message to the network's coordinators; mark it sent."""
    contact = ContactMessage.objects.select_related("network__parent").get(pk=contact_id)
    if contact.sent_at:
        return  # sent already (a retry raced the sweep)
    network = contact.network
    # A network with nobody coordinating it still gets its messages read: its parent's
    # coordinators or site staff. With nobody at all it stays unsent for the sweep.
    recipients = contact_route(network).recipients
    if not recipients:
        logger.error("Contact message %s has nobody to go to; it is kept unsent", contact_id)
        return
    subject, body = render_email(
        "networks/email/contact_message", {"contact": contact, "network": network}
    )
    sender = reply_to(contact.sender_name, contact.sender_email)
    message = PlainTextEmail(subject=subject, body=body, to=recipients, reply_to=[sender])
    contact.send_attempts += 1
    try:
        message.send()
    except Exception:
        contact.save(update_fields=["send_attempts"])
        if not retry_later(deliver_contact_message, attempt=attempt, contact_id=contact_id):
            logger.exception("Contact message %s could not be sent; it is kept", contact_id)
            raise
        logger.warning("Contact message %s failed on attempt %s; will retry", contact_id, attempt)
        return
    contact.sent_at = timezone.now()
    contact.save(update_fields=["send_attempts", "sent_at"])
