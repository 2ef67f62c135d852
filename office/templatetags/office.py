from django import template

from office import navigation

register = template.Library()


@register.inclusion_tag("office/_navigation.html", takes_context=True)
def office_navigation(context):
    """The office's navigation for the viewer (`perms`, their NetworkAccess) on this page."""
    return {"links": navigation.links_for(context["perms"], context["request"].path)}
