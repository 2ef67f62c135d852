"""{% support_links %}: where /me/ points a person for mentoring and coaching (one query)."""

from django import template
from django.db.models import Exists, OuterRef, Q

from networks.models import Network

from ..models import Coach, SupportRequest

register = template.Library()


@register.inclusion_tag("support/_me_links.html", takes_context=True)
def support_links(context):
    user = context["user"]
    asked = SupportRequest.objects.filter(
        network=OuterRef("pk"), requester=user, state__in=SupportRequest.OPEN_STATES
    )
    coaches = Coach.objects.filter(network=OuterRef("pk"), person=user)
    networks = list(
        Network.objects.annotate(asked=Exists(asked), coaching=Exists(coaches))
        .filter(Q(asked=True) | Q(coaching=True))
        .order_by("name")
    )
    return {
        "asked": [network for network in networks if network.asked],
        "coaching": [network for network in networks if network.coaching],
    }
