"""The rows of a QuickListMixin admin's list, the stock result list's markup built with
the columns worked out once for the page (core.admin.QuickChangeList.quick_rows)."""

from django import template
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.base import InclusionAdminNode

register = template.Library()


def quick_result_list(cl) -> dict:
    rows = cl.quick_rows()
    if rows is None:
        return admin_list.result_list(cl)
    headers = list(admin_list.result_headers(cl))
    sorted_by = [header for header in headers if header["sortable"] and header["sorted"]]
    return {
        "cl": cl,
        "result_hidden_fields": [],  # only a list with editable rows has them
        "result_headers": headers,
        "num_sorted_fields": len(sorted_by),
        # One item a row: the template joins a row's items, here already joined.
        "results": [admin_list.ResultList(None, [row]) for row in rows],
    }


@register.tag(name="quick_result_list")
def quick_result_list_tag(parser, token):
    return InclusionAdminNode(
        "quick_result_list",
        parser,
        token,
        func=quick_result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )
