"""The audit trail on an object's admin page: a read-only list, never added to or changed.

A read-only field rather than an inline: an inline's formset would have to come back
in every POST of the change form, and there is nothing in it anyone may submit.
"""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join

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
