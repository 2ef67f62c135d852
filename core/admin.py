"""The audit trail on an object's admin page: a read-only list, never added to or changed.

A read-only field rather than an inline: an inline's formset would have to come back
in every POST of the change form, and there is nothing in it anyone may submit.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from .csv_export import stream_csv
from .models import AuditEvent

HISTORY_SHOWN = 50


class AuditHistoryMixin:
    """Adds "History (who changed what)" to a ModelAdmin's change page."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "audit_history"] if obj is not None else fields

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is None and "audit_history" in fields:
            fields.remove("audit_history")
        return fields

    @admin.display(description="History (who changed what)")
    def audit_history(self, obj):
        events = list(AuditEvent.objects.for_object(obj)[:HISTORY_SHOWN])
        if not events:
            return "Nothing recorded yet."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{timezone.localtime(event.created_at):%d %b %Y %H:%M}",
                    event.actor_label,
                    event.summary,
                    "; ".join(event.change_lines),
                )
                for event in events
            ),
        )
        return format_html(
            "<table><thead><tr><th scope='col'>When</th><th scope='col'>Who</th>"
            "<th scope='col'>What</th><th scope='col'>From → to</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            rows,
        )


class CsvExportMixin:
    """An "Export CSV" link on the list page that downloads the rows the list shows now,
    its filters and search applied, streamed.

    `csv_fields`: the values to read (paths such as "person__email"); `csv_columns`:
    [(header, function of a row's dict of those values)]. Plain values, not model
    instances: instances with their related objects are freed only by the cycle
    collector, so memory grew with the rows; dicts keep it flat.
    """

    csv_columns: list = []
    csv_fields: list[str] = []
    csv_filename = "export.csv"
    change_list_template = "admin/change_list_with_export.html"

    def get_urls(self):
        opts = self.model._meta
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name=f"{opts.app_label}_{opts.model_name}_export",
        )
        return [export, *super().get_urls()]

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        rows = changelist.get_queryset(request).values(*self.csv_fields).iterator(chunk_size=2000)
        headers = [header for header, _column in self.csv_columns]
        columns = [column for _header, column in self.csv_columns]
        return stream_csv(self.csv_filename, headers, rows, columns)
