"""Who reads a network's contact messages: never nobody, and the sender is told who."""

from dataclasses import dataclass

from members.models import User

from .models import Network


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
    staff = list(
        User.objects.filter(is_superuser=True, is_active=True)
        .order_by("pk")
        .values_list("email", flat=True)
    )
    if staff:
        return ContactRoute(
            staff, f"Headnet's staff ({network.label} has no coordinators yet), who will pass it on"
        )
    return ContactRoute([], "")
