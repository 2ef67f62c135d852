"""Who reads a network's contact messages: never nobody, and the sender is told who.

The pieces every form that writes to people through Headnet shares (this one and the
leaders directory's): the limit on how many a sender may send, and the Reply-To that
lets the reader answer them directly.
"""

from dataclasses import dataclass
from email.headerregistry import Address

from core.ratelimit import client_ip, is_limited
from members.models import User

from .models import Network

# Enough for a person, too few for a spammer: messages in an hour through any of the
# contact forms, per IP address and per sender address.
CONTACT_LIMIT_PER_IP = 10
CONTACT_LIMIT_PER_ADDRESS = 5
CONTACT_PERIOD_SECONDS = 60 * 60


def sender_is_limited(request, sender_email: str) -> bool:
    """Count one message from this request's address and this sender; True once over."""
    return is_limited(
        "contact-ip",
        client_ip(request),
        limit=CONTACT_LIMIT_PER_IP,
        period_seconds=CONTACT_PERIOD_SECONDS,
    ) or is_limited(
        "contact-address",
        sender_email.strip().lower(),
        limit=CONTACT_LIMIT_PER_ADDRESS,
        period_seconds=CONTACT_PERIOD_SECONDS,
    )


def reply_to(name: str, email: str) -> str:
    """The sender as a Reply-To header: quoted as a header needs ("Smith, Jo" is one
    person, not two) and on one line (a name with a line break would make every
    attempt to send fail)."""
    return str(Address(display_name=" ".join(name.split()), addr_spec=email))


@dataclass(frozen=True)
class ContactRoute:
    """The addresses a message goes to, and who they are, in words for the sender."""

    recipients: list[str]
    readers: str

    @property
    def reaches_someone(self) -> bool:
        return bool(self.recipients)


def contact_route(network: Network) -> ContactRoute:
    """The network's coordinators; without any, its parent network's; else Headnet's staff.

    Addresses are for sending, never for showing.
    """
    recipients = network.coordinator_emails()
    if recipients:
        return ContactRoute(recipients, f"the coordinators of {network.label}")
    if network.parent is not None:
        recipients = network.parent.coordinator_emails()
        if recipients:
            return ContactRoute(
                recipients,
                f"the coordinators of {network.parent.label}, which {network.label} belongs to "
                f"({network.label} has no coordinators of its own yet)",
            )
    staff = staff_route()
    if staff.reaches_someone:
        return ContactRoute(
            staff.recipients,
            f"Headnet's staff ({network.label} has no coordinators yet), who will pass it on",
        )
    return staff


def staff_route() -> ContactRoute:
    """Headnet's own staff: the site's active superusers (none: nobody to reach)."""
    staff = list(
        User.objects.filter(is_superuser=True, is_active=True)
        .order_by("pk")
        .values_list("email", flat=True)
    )
    return ContactRoute(staff, "Headnet's staff" if staff else "")
