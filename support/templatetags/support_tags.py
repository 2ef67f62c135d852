"""{% support_links %}: where /me/ points a person for mentoring and coaching (two queries)."""

from django import template

from ..models import Coach, SupportRequest

register = template.Library()


@register.inclusion_tag("support/_me_links.html", takes_context=True)
def support_links(context):
    user = context["user"]
    asked = (
        SupportRequest.objects.filter(requester=user, state__in=SupportRequest.OPEN_STATES)
        .select_related("network")
        .order_by("network__name")
    )
    coaching = Coach.objects.filter(person=user).select_related("network")
    return {
        "asked": {item.network for item in asked},
        "coaching": [role.network for role in coaching],
    }
