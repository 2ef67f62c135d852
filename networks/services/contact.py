"""Messages to a network's coordinators."""

from members.models import User

from ..models import ContactMessage, Network
from ..tasks import deliver_contact_message


def send_contact_message(
    *,
    network: Network,
    subject: str,
    message: str,
    sender_name: str,
    sender_email: str,
    sender: User | None = None,
) -> ContactMessage:
    """Store the message, then email it to the coordinators with the sender as Reply-To.

    Stored first and committed, so a mail server that is down loses nothing: the
    task is retried, and `send_unsent_contact_messages` picks up any left over.
    """
    contact = ContactMessage.objects.create(
        network=network,
        sender=sender if sender is not None and sender.is_authenticated else None,
        sender_name=sender_name.strip(),
        sender_email=sender_email.strip(),
        subject=subject.strip(),
        message=message.strip(),
    )
    deliver_contact_message.enqueue(contact_id=contact.pk, attempt=1)
    return contact
