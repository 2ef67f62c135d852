"""The support section of a network's page: coaching and mentoring, where it offers them."""

from django.db.models import Exists, OuterRef

from networks.models import Network
from networks.sections import Section

from .models import Coach, MentoringScheme


def support_section(request, perms) -> Section | None:
    """A line each for the network's coaching and mentoring scheme; nothing if it has
    neither (one query)."""
    offers = (
        Network.objects.filter(pk=perms.network.pk)
        .annotate(
            coaching=Exists(Coach.objects.filter(network=OuterRef("pk"))),
            mentoring=Exists(MentoringScheme.objects.filter(network=OuterRef("pk"), is_open=True)),
        )
        .values("coaching", "mentoring")
        .first()
    )
    if not offers or not (offers["coaching"] or offers["mentoring"]):
        return None
    return Section("support/_network_section.html", {"network": perms.network, **offers}, order=30)
