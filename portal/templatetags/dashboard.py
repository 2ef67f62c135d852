from django import template

from core.money import format_pence
from portal.work import dashboard_for

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_dashboard(context):
    """The signed-in administrator's (or site staff's) waiting work, for the admin index."""
    return dashboard_for(context["request"].user)


@register.filter
def pounds(pence):
    return format_pence(pence)
